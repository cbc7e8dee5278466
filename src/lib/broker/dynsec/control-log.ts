/**
 * The line the plugin logs (information) for each command that succeeded:
 * "dynsec: CLIENTID/USERNAME | COMMAND | field=value | ...", passwords starred.
 */
import { boolField, field, intField, objectsOf, stringField, type JsonObject } from './json-fields.js';
import type { DynsecData } from './model.js';

type Field = readonly [label: string, value: (command: JsonObject, data: DynsecData) => string];

/** printf's "%s" of a missing string. */
const NULL_TEXT = '(null)';
const text = (key: string): Field => [key, (c) => stringField(c, key) || NULL_TEXT];
const number = (key: string, fallback: number): Field => [key, (c) => String(intField(c, key, fallback))];
const flag = (key: string): Field => [key, (c) => String(boolField(c, key, false))];
/**
 * A list command's line: the plugin logs its count after counting the page down (a page of 2 logs
 * 0 when it was full), so the line says how many more would have fitted.
 */
const listing = (list: (data: DynsecData) => number): readonly Field[] => [
  flag('verbose'),
  ['count', (c, data) => String(countLeft(c, list(data)))],
  number('offset', 0),
];

function countLeft(command: JsonObject, total: number): number {
  const count = intField(command, 'count', -1);
  if (count < 0) return count;
  const remaining = Math.max(0, total - Math.max(0, intField(command, 'offset', 0)));
  return count - Math.min(Math.max(count, 1), remaining);
}

const FIELDS: Readonly<Record<string, readonly Field[]>> = {
  createClient: [text('username'), ['password', (c) => (stringField(c, 'password') === undefined ? 'no password' : '*****')]],
  deleteClient: [text('username')],
  getClient: [text('username')],
  listClients: listing((d) => d.clients.size),
  modifyClient: [text('username')],
  setClientPassword: [text('username'), ['password', () => '******']],
  setClientId: [text('username'), text('clientid')],
  addClientRole: [text('username'), text('rolename'), number('priority', -1)],
  removeClientRole: [text('username'), text('rolename')],
  enableClient: [text('username')],
  disableClient: [text('username')],
  createGroup: [text('groupname')],
  deleteGroup: [text('groupname')],
  getGroup: [text('groupname')],
  listGroups: listing((d) => d.groups.size),
  modifyGroup: [text('groupname')],
  addGroupClient: [text('groupname'), text('username'), number('priority', -1)],
  removeGroupClient: [text('groupname'), text('username')],
  addGroupRole: [text('groupname'), text('rolename'), number('priority', -1)],
  removeGroupRole: [text('groupname'), text('rolename')],
  setAnonymousGroup: [text('groupname')],
  getAnonymousGroup: [],
  createRole: [text('rolename')],
  deleteRole: [text('rolename')],
  listRoles: listing((d) => d.roles.size),
  modifyRole: [text('rolename')],
  addRoleACL: [text('rolename'), text('acltype'), text('topic'), number('priority', 0), flag('allow')],
  removeRoleACL: [text('rolename'), text('acltype'), text('topic')],
  getDefaultACLAccess: [],
};

export interface Admin {
  readonly clientId: string;
  readonly username?: string | undefined;
}

/** The lines for `name` (the command's own spelling) run as `command` by `admin`. */
export function controlLogLines(name: string, command: JsonObject, admin: Admin, data: DynsecData): string[] {
  const who = `dynsec: ${admin.clientId}/${admin.username ?? NULL_TEXT}`;
  if (name === 'setDefaultACLAccess') {
    // One line per default the command set.
    return objectsOf(field(command, 'acls')).flatMap((a) => {
      const allow = field(a, 'allow');
      const acltype = stringField(a, 'acltype');
      return acltype === undefined || typeof allow !== 'boolean' ? [] : [`${who} | setDefaultACLAccess | acltype=${acltype} | allow=${allow}`];
    });
  }
  const fields = FIELDS[name];
  // getRole is the one command the plugin does not log.
  if (fields === undefined) return [];
  return [[who, name, ...fields.map(([label, value]) => `${label}=${value(command, data)}`)].join(' | ')];
}
