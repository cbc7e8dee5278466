/** The client commands of the control API (plugins/dynamic-security/clients.c), with its answers and errors. */
import type { JsonValue } from './cjson-print.js';
import { Refusal, nameField, requireUtf8, type CommandContext } from './command-context.js';
import { clientFields, linksJson } from './config-file.js';
import { field, intField, objectsOf, stringField } from './json-fields.js';
import { NO_PRIORITY, type Client } from './model.js';
import { hashNewPassword } from './password.js';
import { commandRoles, page, verbose } from './role-links.js';

export function clientJson(client: Client): JsonValue {
  return {
    ...clientFields(client),
    groups: linksJson(client.groups, 'groupname', (g) => g.groupname),
  };
}

function createClient(ctx: CommandContext): void {
  const username = nameField(ctx, 'username');
  const password = ctx.string('password', 'Invalid/missing password', true);
  const clientid = ctx.string('clientid', 'Invalid/missing client id', true);
  if (clientid !== undefined) requireUtf8(clientid, 'Client ID not valid UTF-8');
  const textname = ctx.string('textname', 'Invalid/missing textname', true);
  const textdescription = ctx.string('textdescription', 'Invalid/missing textdescription', true);
  if (ctx.data.clients.has(username)) throw new Refusal('Client already exists');
  const roles = commandRoles(ctx) ?? [];
  const client: Client = {
    username,
    clientid: clientid === '' ? undefined : clientid,
    textname,
    textdescription,
    disabled: false,
    password: password === undefined ? undefined : hashNewPassword(password),
    roles,
    groups: [],
  };
  const groups = objectsOf(field(ctx.command, 'groups')).flatMap((g) => {
    const groupname = stringField(g, 'groupname');
    return groupname === undefined ? [] : [{ group: ctx.group(groupname), priority: intField(g, 'priority', NO_PRIORITY) }];
  });
  ctx.data.clients.set(username, client);
  for (const { group, priority } of groups) ctx.data.addGroupClient(group, client, priority);
  ctx.done();
}

function deleteClient(ctx: CommandContext): void {
  const username = ctx.required('username', 'Invalid/missing username');
  ctx.data.deleteClient(ctx.client(username));
  ctx.done();
  ctx.kick(username);
}

function setEnabled(enabled: boolean): (ctx: CommandContext) => void {
  return (ctx) => {
    const username = nameField(ctx, 'username');
    ctx.client(username).disabled = !enabled;
    // A disabled client is refused at its next login; one connected now is sent away.
    if (!enabled) ctx.kick(username);
    ctx.done();
  };
}

function setClientId(ctx: CommandContext): void {
  const username = nameField(ctx, 'username');
  const clientid = ctx.string('clientid', 'Invalid/missing client ID', true);
  if (clientid !== undefined) requireUtf8(clientid, 'Client ID not valid UTF-8');
  ctx.client(username).clientid = clientid === '' ? undefined : clientid;
  ctx.done();
  ctx.kick(username);
}

function setClientPassword(ctx: CommandContext): void {
  const username = nameField(ctx, 'username');
  const password = ctx.required('password', 'Invalid/missing password');
  if (password === '') throw new Refusal('Empty password is not allowed');
  ctx.client(username).password = hashNewPassword(password);
  ctx.done();
  ctx.kick(username);
}

function addClientRole(ctx: CommandContext): void {
  const username = nameField(ctx, 'username');
  const rolename = nameField(ctx, 'rolename');
  const priority = ctx.priority();
  const client = ctx.client(username);
  // The plugin reports a role the client has already as an internal error.
  if (!ctx.data.addClientRole(client, ctx.role(rolename), priority)) throw new Refusal('Internal error');
  ctx.done();
  ctx.kick(username);
}

function removeClientRole(ctx: CommandContext): void {
  const username = nameField(ctx, 'username');
  const rolename = nameField(ctx, 'rolename');
  const client = ctx.client(username);
  const role = ctx.role(rolename);
  client.roles = client.roles.filter((l) => l.target !== role);
  ctx.done();
  ctx.kick(username);
}

function getClient(ctx: CommandContext): void {
  const username = nameField(ctx, 'username');
  ctx.answer({ client: clientJson(ctx.client(username)) });
}

function listClients(ctx: CommandContext): void {
  const all = ctx.data.sortedClients();
  const full = verbose(ctx);
  ctx.answer({ totalCount: all.length, clients: page(ctx, all).map((c) => (full ? clientJson(c) : c.username)) });
}

/** modifyClient: whatever the command carries replaces what the client had. */
function modifyClient(ctx: CommandContext): void {
  const username = nameField(ctx, 'username');
  const client = ctx.client(username);
  const clientid = ctx.given('clientid');
  if (clientid !== undefined) client.clientid = clientid === '' ? undefined : clientid;
  const password = ctx.given('password');
  if (password !== undefined && password !== '') client.password = hashNewPassword(password);
  const textname = ctx.given('textname');
  if (textname !== undefined) client.textname = textname;
  const textdescription = ctx.given('textdescription');
  if (textdescription !== undefined) client.textdescription = textdescription;
  let roles;
  try {
    roles = commandRoles(ctx);
  } catch (err) {
    ctx.kick(username);
    throw err;
  }
  if (roles !== undefined) client.roles = roles;
  const groups = field(ctx.command, 'groups');
  if (Array.isArray(groups)) {
    for (const link of client.groups) ctx.data.removeGroupClient(link.target, client);
    for (const g of objectsOf(groups)) {
      const group = ctx.data.groups.get(stringField(g, 'groupname') ?? '');
      if (group !== undefined) ctx.data.addGroupClient(group, client, intField(g, 'priority', NO_PRIORITY));
    }
  }
  ctx.done();
  ctx.kick(username);
}

export const CLIENT_COMMANDS: Readonly<Record<string, (ctx: CommandContext) => void>> = {
  createClient,
  deleteClient,
  getClient,
  listClients,
  modifyClient,
  setClientPassword,
  setClientId,
  addClientRole,
  removeClientRole,
  enableClient: setEnabled(true),
  disableClient: setEnabled(false),
};
