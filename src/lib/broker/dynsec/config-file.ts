/**
 * The plugin's JSON file (plugin_opt_config_file) to DynsecData and back. Reading is as lenient
 * as the plugin's: an entry it would skip (no username, a salt of the wrong size, a role that
 * does not exist) is skipped, but a file that is not JSON, or whose lists are not lists, is an
 * error. Writing lays the file out as the plugin does, in its order.
 */
import { ErrorCode, MqttError } from '../../errors.js';
import { HASH_BYTES, SALT_BYTES } from '../../passwd/hash.js';
import { cjsonPrint, type JsonValue } from './cjson-print.js';
import { boolField, field, intField, isObject, objectsOf, stringField, type JsonObject } from './json-fields.js';
import {
  ACL_TYPES,
  DEFAULT_ACCESS_TYPES,
  DynsecData,
  NO_PRIORITY,
  aclOrder,
  emptyAcls,
  insertSorted,
  type Acl,
  type AclType,
  type Client,
  type Link,
  type PasswordHash,
  type Role,
} from './model.js';

function invalid(path: string, why: string): MqttError {
  return new MqttError(ErrorCode.InvalidFile, `Dynamic security plugin config ${path}: ${why}`);
}

/** Reads the file's text; an empty file is an empty configuration, as for the plugin. */
export function parseDynsecFile(text: string, path: string): DynsecData {
  const data = new DynsecData();
  if (text.length === 0) return data;
  let tree: unknown;
  try {
    tree = JSON.parse(text);
  } catch {
    throw invalid(path, 'File is not valid JSON.');
  }
  if (!isObject(tree)) throw invalid(path, 'File is not valid JSON.');
  const access = field(tree, 'defaultACLAccess');
  if (isObject(access)) for (const type of DEFAULT_ACCESS_TYPES) data.defaultAccess[type] = boolField(access, type, false);
  for (const list of ['roles', 'clients', 'groups']) {
    const value = field(tree, list);
    if (value !== undefined && !Array.isArray(value)) throw invalid(path, `"${list}" is not a list.`);
  }
  for (const r of objectsOf(field(tree, 'roles'))) {
    const role = readRole(r);
    if (role !== undefined && !data.roles.has(role.rolename)) data.roles.set(role.rolename, role);
  }
  for (const c of objectsOf(field(tree, 'clients'))) {
    const client = readClient(c, data);
    if (client !== undefined && !data.clients.has(client.username)) data.clients.set(client.username, client);
  }
  for (const g of objectsOf(field(tree, 'groups'))) readGroup(g, data);
  const anonymous = stringField(tree, 'anonymousGroup');
  if (anonymous !== undefined) data.anonymousGroup = data.groups.get(anonymous);
  return data;
}

/** An ACL list of a role or of a command ("acls"): entries of `type`, highest priority first. */
export function readAcls(value: unknown, type: AclType): Acl[] {
  const acls: Acl[] = [];
  for (const a of objectsOf(value)) {
    const acltype = stringField(a, 'acltype');
    const topic = stringField(a, 'topic');
    if (acltype?.toLowerCase() !== type.toLowerCase() || topic === undefined) continue;
    insertSorted(acls, { topic, priority: intField(a, 'priority', 0), allow: boolField(a, 'allow', false) }, aclOrder);
  }
  return acls;
}

export function readAllAcls(value: unknown): Record<AclType, Acl[]> {
  const acls = emptyAcls();
  for (const type of ACL_TYPES) acls[type] = readAcls(value, type);
  return acls;
}

function readRole(r: JsonObject): Role | undefined {
  const rolename = stringField(r, 'rolename');
  if (rolename === undefined) return undefined;
  return { rolename, textname: stringField(r, 'textname'), textdescription: stringField(r, 'textdescription'), acls: readAllAcls(field(r, 'acls')) };
}

function readPassword(c: JsonObject): PasswordHash | undefined | 'bad' {
  const salt = stringField(c, 'salt');
  const password = stringField(c, 'password');
  const iterations = field(c, 'iterations');
  if (salt === undefined || password === undefined || typeof iterations !== 'number') return undefined;
  const saltBytes = Buffer.from(salt, 'base64');
  const hash = Buffer.from(password, 'base64');
  if (Math.trunc(iterations) < 1 || saltBytes.length !== SALT_BYTES || hash.length !== HASH_BYTES) return 'bad';
  return { hash, salt: saltBytes, iterations: Math.trunc(iterations) };
}

function readClient(c: JsonObject, data: DynsecData): Client | undefined {
  const username = stringField(c, 'username');
  if (username === undefined) return undefined;
  const password = readPassword(c);
  if (password === 'bad') return undefined;
  const client: Client = {
    username,
    clientid: stringField(c, 'clientid'),
    textname: stringField(c, 'textname'),
    textdescription: stringField(c, 'textdescription'),
    disabled: boolField(c, 'disabled', false),
    password,
    roles: [],
    groups: [],
  };
  for (const link of objectsOf(field(c, 'roles'))) {
    const role = data.roles.get(stringField(link, 'rolename') ?? '');
    if (role !== undefined) data.addClientRole(client, role, intField(link, 'priority', NO_PRIORITY));
  }
  return client;
}

function readGroup(g: JsonObject, data: DynsecData): void {
  const groupname = stringField(g, 'groupname');
  if (groupname === undefined || data.groups.has(groupname)) return;
  const group = { groupname, textname: stringField(g, 'textname'), textdescription: stringField(g, 'textdescription'), roles: [], clients: [] };
  data.groups.set(groupname, group);
  for (const link of objectsOf(field(g, 'roles'))) {
    const role = data.roles.get(stringField(link, 'rolename') ?? '');
    if (role !== undefined) data.addGroupRole(group, role, intField(link, 'priority', NO_PRIORITY));
  }
  for (const link of objectsOf(field(g, 'clients'))) {
    const client = data.clients.get(stringField(link, 'username') ?? '');
    if (client !== undefined) data.addGroupClient(group, client, intField(link, 'priority', NO_PRIORITY));
  }
}

/** A link list as the plugin writes it: the priority only when one was given. */
export function linksJson<T>(links: readonly Link<T>[], key: string, nameOf: (t: T) => string): JsonValue[] {
  return links.map((l) => ({ [key]: nameOf(l.target), priority: l.priority === NO_PRIORITY ? undefined : l.priority }));
}

export function aclsJson(role: Role): JsonValue[] {
  return ACL_TYPES.flatMap((acltype) => role.acls[acltype].map((a) => ({ acltype, topic: a.topic, priority: a.priority, allow: a.allow })));
}

export function roleJson(role: Role): JsonValue {
  return { rolename: role.rolename, textname: role.textname, textdescription: role.textdescription, acls: aclsJson(role) };
}

/** A client's fields the file and getClient share, in the plugin's order. */
export function clientFields(c: Client): Record<string, JsonValue | undefined> {
  return {
    username: c.username,
    clientid: c.clientid,
    textname: c.textname,
    textdescription: c.textdescription,
    disabled: c.disabled ? true : undefined,
    roles: linksJson(c.roles, 'rolename', (r) => r.rolename),
  };
}

/** The whole file, as the plugin's dynsec__config_save writes it. */
export function printDynsecFile(data: DynsecData): string {
  const clients = data.sortedClients().map((c) => ({
    ...clientFields(c),
    ...(c.password === undefined ? {} : { password: c.password.hash.toString('base64'), salt: c.password.salt.toString('base64'), iterations: c.password.iterations }),
  }));
  const groups = data.sortedGroups().map((g) => ({
    groupname: g.groupname,
    textname: g.textname,
    textdescription: g.textdescription,
    roles: linksJson(g.roles, 'rolename', (r) => r.rolename),
    clients: linksJson(g.clients, 'username', (c) => c.username),
  }));
  return cjsonPrint({
    defaultACLAccess: { ...data.defaultAccess },
    clients,
    groups,
    anonymousGroup: data.anonymousGroup?.groupname,
    roles: data.sortedRoles().map(roleJson),
  });
}
