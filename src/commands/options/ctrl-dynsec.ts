/**
 * mosquitto_ctrl's dynsec command lines (apps/mosquitto_ctrl/dynsec*.c) to the JSON command each
 * sends: the same arguments, the same checks, numbers read as atoi reads them.
 */

/** The JSON command to send, or why the arguments were refused. */
export type DynsecRequest =
  | { readonly kind: 'command'; readonly command: Record<string, unknown> }
  /** The password is to be asked for at the terminal (createClient, setClientPassword without one). */
  | { readonly kind: 'ask-password'; readonly command: Record<string, unknown>; readonly username: string; readonly optional: boolean }
  /** mosquitto_ctrl's MOSQ_ERR_INVAL: the wrong number or kind of arguments. */
  | { readonly kind: 'invalid'; readonly message?: string }
  | { readonly kind: 'unknown'; readonly name: string };

const ACL_TYPES = ['publishClientSend', 'publishClientReceive', 'subscribeLiteral', 'subscribePattern', 'unsubscribeLiteral', 'unsubscribePattern'];
const DEFAULT_ACCESS_TYPES = ['publishClientSend', 'publishClientReceive', 'subscribe', 'unsubscribe'];

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
const oneOf = (word: string, words: readonly string[]): boolean => words.some((w) => same(w, word));

/** C's atoi: leading blanks, a sign and digits; 0 when there are none. */
export function atoi(text: string): number {
  const match = /^[\s]*([+-]?\d+)/.exec(text);
  if (match === null) return 0;
  const n = Number.parseInt(match[1]!, 10);
  return Math.max(-2147483648, Math.min(2147483647, n));
}

const invalid: DynsecRequest = { kind: 'invalid' };
const send = (command: Record<string, unknown>): DynsecRequest => ({ kind: 'command', command });

/** A name-only command: `deleteClient USERNAME`. */
function named(command: string, key: string) {
  return (args: readonly string[]): DynsecRequest => (args.length === 1 ? send({ command, [key]: args[0] }) : invalid);
}

/** `listClients [count [offset]]`: a count or offset of 0 or less is not sent. */
function list(command: string) {
  return (args: readonly string[]): DynsecRequest => {
    if (args.length > 2) return invalid;
    const count = args[0] === undefined ? -1 : atoi(args[0]);
    const offset = args[1] === undefined ? -1 : atoi(args[1]);
    return send({ command, ...(count > 0 ? { count } : {}), ...(offset > 0 ? { offset } : {}) });
  };
}

/** `addClientRole USERNAME ROLENAME [PRIORITY]` and the like; the priority is sent unless it is -1. */
function withPriority(command: string, first: string, second: string) {
  return (args: readonly string[]): DynsecRequest => {
    if (args.length !== 2 && args.length !== 3) return invalid;
    const priority = args[2] === undefined ? -1 : atoi(args[2]);
    return send({ command, [first]: args[0], [second]: args[1], ...(priority === -1 ? {} : { priority }) });
  };
}

function createClient(args: readonly string[]): DynsecRequest {
  const username = args[0];
  if (username === undefined) return invalid;
  let clientid: string | undefined;
  let password: string | undefined;
  for (let i = 1; i < args.length; i++) {
    if (args[i] === '-c') {
      if (i + 1 === args.length) return { kind: 'invalid', message: 'Error: -c argument given, but no clientid provided.' };
      clientid = args[++i];
    } else if (args[i] === '-p') {
      if (i + 1 === args.length) return { kind: 'invalid', message: 'Error: -p argument given, but no password provided.' };
      password = args[++i];
    }
  }
  const command = { command: 'createClient', username, ...(clientid === undefined ? {} : { clientid }) };
  if (password === undefined) return { kind: 'ask-password', command, username, optional: true };
  return send({ ...command, password });
}

function setClientPassword(args: readonly string[]): DynsecRequest {
  const [username, password] = args;
  if (username === undefined || args.length > 2) return invalid;
  const command = { command: 'setClientPassword', username };
  return password === undefined ? { kind: 'ask-password', command, username, optional: false } : send({ ...command, password });
}

function setClientId(args: readonly string[]): DynsecRequest {
  const [username, clientid] = args;
  if (username === undefined || args.length > 2) return invalid;
  return send({ command: 'setClientId', username, ...(clientid === undefined ? {} : { clientid }) });
}

function addRoleACL(args: readonly string[]): DynsecRequest {
  if (args.length !== 4 && args.length !== 5) return invalid;
  const [rolename, acltype, topic, action] = args as [string, string, string, string];
  if (!oneOf(acltype, ACL_TYPES) || !oneOf(action, ['allow', 'deny'])) return invalid;
  const priority = args[4] === undefined ? -1 : atoi(args[4]);
  return send({ command: 'addRoleACL', rolename, acltype, topic, allow: same(action, 'allow'), ...(priority === -1 ? {} : { priority }) });
}

function removeRoleACL(args: readonly string[]): DynsecRequest {
  if (args.length !== 3) return invalid;
  const [rolename, acltype, topic] = args as [string, string, string];
  return oneOf(acltype, ACL_TYPES) ? send({ command: 'removeRoleACL', rolename, acltype, topic }) : invalid;
}

/**
 * `setDefaultACLAccess TYPE allow|deny`. mosquitto_ctrl 2.0.11 sent "access": "allow", which the
 * plugin ignores (fixed in 2.0.12); this sends the "allow" boolean the plugin reads.
 */
function setDefaultACLAccess(args: readonly string[]): DynsecRequest {
  if (args.length !== 2) return invalid;
  const [acltype, access] = args as [string, string];
  if (!oneOf(acltype, DEFAULT_ACCESS_TYPES)) return invalid;
  if (!oneOf(access, ['allow', 'deny'])) return { kind: 'invalid', message: 'Error: access must be "allow" or "deny".' };
  return send({ command: 'setDefaultACLAccess', acls: [{ acltype, allow: same(access, 'allow') }] });
}

const BUILDERS: Readonly<Record<string, (args: readonly string[]) => DynsecRequest>> = {
  setDefaultACLAccess,
  getDefaultACLAccess: () => send({ command: 'getDefaultACLAccess' }),
  createClient,
  deleteClient: named('deleteClient', 'username'),
  getClient: named('getClient', 'username'),
  listClients: list('listClients'),
  setClientId,
  setClientPassword,
  addClientRole: withPriority('addClientRole', 'username', 'rolename'),
  removeClientRole: withPriority('removeClientRole', 'username', 'rolename'),
  enableClient: named('enableClient', 'username'),
  disableClient: named('disableClient', 'username'),
  createGroup: named('createGroup', 'groupname'),
  deleteGroup: named('deleteGroup', 'groupname'),
  getGroup: named('getGroup', 'groupname'),
  listGroups: list('listGroups'),
  addGroupRole: withPriority('addGroupRole', 'groupname', 'rolename'),
  removeGroupRole: withPriority('removeGroupRole', 'groupname', 'rolename'),
  addGroupClient: withPriority('addGroupClient', 'groupname', 'username'),
  removeGroupClient: withPriority('removeGroupClient', 'groupname', 'username'),
  setAnonymousGroup: named('setAnonymousGroup', 'groupname'),
  getAnonymousGroup: () => send({ command: 'getAnonymousGroup' }),
  createRole: named('createRole', 'rolename'),
  deleteRole: named('deleteRole', 'rolename'),
  getRole: named('getRole', 'rolename'),
  listRoles: list('listRoles'),
  addRoleACL,
  removeRoleACL,
};

/** Commands mosquitto_ctrl sends under the name as typed (one function serves each pair). */
const AS_TYPED = new Set(['addClientRole', 'removeClientRole', 'enableClient', 'disableClient', 'addGroupRole', 'removeGroupRole', 'addGroupClient', 'removeGroupClient']);

/** The dynsec commands by the name mosquitto_ctrl gives them, for help and completion. */
export const DYNSEC_COMMANDS: readonly string[] = ['init', 'help', ...Object.keys(BUILDERS)];

/** The request for `dynsec NAME ARGS...` (NAME matched whatever its case, as mosquitto_ctrl does). */
export function dynsecRequest(name: string, args: readonly string[]): DynsecRequest {
  const entry = Object.entries(BUILDERS).find(([key]) => same(key, name));
  if (entry === undefined) return { kind: 'unknown', name };
  const request = entry[1](args);
  // The command keeps the name as typed for add/remove pairs, as mosquitto_ctrl passes argv[0] on.
  if ((request.kind === 'command' || request.kind === 'ask-password') && AS_TYPED.has(entry[0])) {
    return { ...request, command: { ...request.command, command: name } };
  }
  return request;
}
