/**
 * The file `mosquitto_ctrl dynsec init` writes: one admin client whose "admin" role may use the
 * control API, read $SYS and everything else, and subscribe to it; nothing else may publish or
 * subscribe by default, everyone may receive and unsubscribe.
 */
import { writeFileAtomic } from '../../fs/atomic-write.js';
import { printDynsecFile } from './config-file.js';
import { DynsecData, NO_PRIORITY, emptyAcls, type AclType } from './model.js';
import { hashNewPassword } from './password.js';

const ADMIN_ACLS: readonly (readonly [AclType, string])[] = [
  ['publishClientSend', '$CONTROL/dynamic-security/#'],
  ['publishClientReceive', '$CONTROL/dynamic-security/#'],
  ['subscribePattern', '$CONTROL/dynamic-security/#'],
  ['publishClientReceive', '$SYS/#'],
  ['subscribePattern', '$SYS/#'],
  ['publishClientReceive', '#'],
  ['subscribePattern', '#'],
  ['unsubscribePattern', '#'],
];

export function initialDynsecData(admin: string, password: string): DynsecData {
  const data = new DynsecData();
  data.defaultAccess = { publishClientSend: false, publishClientReceive: true, subscribe: false, unsubscribe: true };
  const acls = emptyAcls();
  for (const [type, topic] of ADMIN_ACLS) acls[type].push({ topic, priority: 0, allow: true });
  const role = { rolename: 'admin', acls };
  data.roles.set(role.rolename, role);
  const client = { username: admin, textname: 'Dynsec admin user', disabled: false, password: hashNewPassword(password), roles: [], groups: [] };
  data.addClientRole(client, role, NO_PRIORITY);
  data.clients.set(admin, client);
  return data;
}

/** Writes a new file (0600); an existing one is never replaced (FileExists). */
export async function writeInitialDynsecFile(path: string, admin: string, password: string): Promise<void> {
  await writeFileAtomic(path, printDynsecFile(initialDynsecData(admin, password)), { private: true });
}
