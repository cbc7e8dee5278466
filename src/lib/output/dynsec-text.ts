/**
 * A dynamic security response as mosquitto_ctrl prints it (apps/mosquitto_ctrl/dynsec.c): only
 * the first answer; an error as "COMMAND: Error: TEXT" on stderr; lists, clients, groups, roles
 * and default access as its lines on stdout; nothing for a plain success.
 */

type Json = Record<string, unknown>;

export interface ResponseText {
  readonly out: string;
  readonly err: string;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (o: Json, key: string): string | undefined => (typeof o[key] === 'string' ? o[key] : undefined);
const INVALID: ResponseText = { out: '', err: 'Error: Invalid response from server.\n' };

/** "(priority: N)", -1 when the answer gives none. */
function priorityText(o: Json): string {
  const p = o.priority;
  return ` (priority: ${typeof p === 'number' ? Math.trunc(p) : -1})`;
}

/** A column of names after a label: the label on the first line only. */
function column(label: string, width: number, items: unknown, key: string, withPriority: boolean): string {
  if (!Array.isArray(items)) return `${label}\n`;
  let text = '';
  for (const item of items.filter(isObject)) {
    const name = str(item, key);
    if (name === undefined) continue;
    text += `${(text === '' ? label : '').padEnd(width)} ${name}${withPriority ? priorityText(item) : ''}\n`;
  }
  return text;
}

function list(data: Json, array: string, key: string): ResponseText {
  const items = data[array];
  if (!Array.isArray(items)) return INVALID;
  const names = items.map((item) => (typeof item === 'string' ? item : isObject(item) ? str(item, key) : undefined));
  return { out: names.filter((n) => n !== undefined).map((n) => `${n}\n`).join(''), err: '' };
}

function client(data: Json): ResponseText {
  const c = data.client;
  if (!isObject(c) || str(c, 'username') === undefined) return INVALID;
  let out = `Username: ${str(c, 'username')}\n`;
  out += str(c, 'clientid') === undefined ? 'Clientid:\n' : `Clientid: ${str(c, 'clientid')}\n`;
  if (typeof c.disabled === 'boolean') out += `Disabled: ${c.disabled}\n`;
  out += column('Roles:', 'Username:'.length, c.roles, 'rolename', true);
  out += Array.isArray(c.groups) ? column('Groups:', 'Username:'.length, c.groups, 'groupname', true) : 'Groups:\n';
  return { out, err: '' };
}

function group(data: Json): ResponseText {
  const g = data.group;
  if (!isObject(g) || str(g, 'groupname') === undefined) return INVALID;
  let out = `Groupname: ${str(g, 'groupname')}\n`;
  out += column('Roles:', 'Groupname:'.length, g.roles, 'rolename', true);
  if (Array.isArray(g.clients)) out += column('Clients:', 'Groupname:'.length, g.clients, 'username', false);
  return { out, err: '' };
}

function role(data: Json): ResponseText {
  const r = data.role;
  if (!isObject(r) || str(r, 'rolename') === undefined) return INVALID;
  let out = `Rolename: ${str(r, 'rolename')}\n`;
  let first = true;
  for (const acl of Array.isArray(r.acls) ? r.acls.filter(isObject) : []) {
    const type = str(acl, 'acltype');
    if (type === undefined) continue;
    out += (first ? 'ACLs:' : '').padEnd(10) + type.padEnd(20);
    first = false;
    if (typeof acl.allow === 'boolean') out += ` : ${acl.allow ? 'allow' : 'deny '}`;
    if (str(acl, 'topic') !== undefined) out += ` : ${str(acl, 'topic')}`;
    out += `${priorityText(acl)}\n`;
  }
  return { out, err: '' };
}

function defaultAccess(data: Json): ResponseText {
  if (!Array.isArray(data.acls)) return INVALID;
  let out = '';
  for (const acl of data.acls) {
    if (!isObject(acl) || str(acl, 'acltype') === undefined || typeof acl.allow !== 'boolean') return { out, err: INVALID.err };
    out += `${str(acl, 'acltype')!.padEnd(20)} : ${acl.allow ? 'allow' : 'deny'}\n`;
  }
  return { out, err: '' };
}

function anonymousGroup(data: Json): ResponseText {
  const g = data.group;
  if (!isObject(g) || str(g, 'groupname') === undefined) return INVALID;
  return { out: `${str(g, 'groupname')}\n`, err: '' };
}

const PRINTERS: Readonly<Record<string, (data: Json) => ResponseText>> = {
  listclients: (d) => list(d, 'clients', 'username'),
  listgroups: (d) => list(d, 'groups', 'groupname'),
  listroles: (d) => list(d, 'roles', 'rolename'),
  getclient: client,
  getgroup: group,
  getrole: role,
  getdefaultaclaccess: defaultAccess,
  getanonymousgroup: anonymousGroup,
};

/** A field mosquitto_ctrl prints with %s: a string as it is, anything else as JSON. */
function scalarText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function dynsecResponseText(payload: Buffer): ResponseText {
  let tree: unknown;
  try {
    tree = JSON.parse(payload.toString('utf8'));
  } catch {
    return { out: '', err: 'Error: Payload not JSON.\n' };
  }
  const responses = isObject(tree) ? tree.responses : undefined;
  const first: unknown = Array.isArray(responses) ? responses[0] : undefined;
  if (!isObject(first) || first.command === undefined) return { out: '', err: 'Error: Payload missing data.\n' };
  const command = scalarText(first.command);
  if (first.error !== undefined) return { out: '', err: `${command}: Error: ${scalarText(first.error)}\n` };
  const printer = PRINTERS[command.toLowerCase()];
  if (printer === undefined) return { out: '', err: '' };
  return isObject(first.data) ? printer(first.data) : INVALID;
}
