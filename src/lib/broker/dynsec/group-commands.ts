/** The group commands of the control API (plugins/dynamic-security/groups.c), with its answers and errors. */
import { Refusal, nameField, type CommandContext } from './command-context.js';
import { field, intField, objectsOf, stringField } from './json-fields.js';
import { NO_PRIORITY, type Group } from './model.js';
import { commandRoles, groupJson, page, verbose } from './role-links.js';

function createGroup(ctx: CommandContext): void {
  const groupname = nameField(ctx, 'groupname');
  const textname = ctx.string('textname', 'Invalid/missing textname', true);
  const textdescription = ctx.string('textdescription', 'Invalid/missing textdescription', true);
  if (ctx.data.groups.has(groupname)) throw new Refusal('Group already exists');
  const roles = commandRoles(ctx) ?? [];
  ctx.data.groups.set(groupname, { groupname, textname, textdescription, roles, clients: [] });
  ctx.done();
}

function deleteGroup(ctx: CommandContext): void {
  const group = ctx.group(nameField(ctx, 'groupname'));
  // mosquitto 2.0.15 forbids it: before, the broker kept using the freed group.
  if (ctx.data.anonymousGroup === group) throw new Refusal('Deleting the anonymous group is forbidden');
  ctx.kickGroup(group);
  ctx.data.deleteGroup(group);
  ctx.done();
}

function addGroupClient(ctx: CommandContext): void {
  const username = nameField(ctx, 'username');
  const groupname = nameField(ctx, 'groupname');
  const priority = ctx.priority();
  // The plugin sends the client away whether or not the change was made.
  ctx.kick(username);
  const client = ctx.client(username);
  if (!ctx.data.addGroupClient(ctx.group(groupname), client, priority)) throw new Refusal('Client is already in this group');
  ctx.done();
}

function removeGroupClient(ctx: CommandContext): void {
  const username = nameField(ctx, 'username');
  const groupname = nameField(ctx, 'groupname');
  ctx.kick(username);
  const client = ctx.client(username);
  ctx.data.removeGroupClient(ctx.group(groupname), client);
  ctx.done();
}

function addGroupRole(ctx: CommandContext): void {
  const groupname = nameField(ctx, 'groupname');
  const rolename = nameField(ctx, 'rolename');
  const priority = ctx.priority();
  const group = ctx.group(groupname);
  if (!ctx.data.addGroupRole(group, ctx.role(rolename), priority)) throw new Refusal('Group is already in this role');
  ctx.done();
  ctx.kickGroup(group);
}

function removeGroupRole(ctx: CommandContext): void {
  const groupname = nameField(ctx, 'groupname');
  const rolename = nameField(ctx, 'rolename');
  const group = ctx.group(groupname);
  const role = ctx.role(rolename);
  group.roles = group.roles.filter((l) => l.target !== role);
  ctx.done();
  ctx.kickGroup(group);
}

function getGroup(ctx: CommandContext): void {
  ctx.answer({ group: groupJson(ctx.group(nameField(ctx, 'groupname'))) });
}

function listGroups(ctx: CommandContext): void {
  const all = ctx.data.sortedGroups();
  const full = verbose(ctx);
  ctx.answer({ totalCount: all.length, groups: page(ctx, all).map((g) => (full ? groupJson(g) : g.groupname)) });
}

function modifyGroup(ctx: CommandContext): void {
  const group: Group = ctx.group(nameField(ctx, 'groupname'));
  const textname = ctx.given('textname');
  if (textname !== undefined) group.textname = textname;
  const textdescription = ctx.given('textdescription');
  if (textdescription !== undefined) group.textdescription = textdescription;
  let roles;
  try {
    roles = commandRoles(ctx);
  } catch (err) {
    ctx.kickGroup(group);
    throw err;
  }
  if (roles !== undefined) group.roles = roles;
  const clients = field(ctx.command, 'clients');
  if (Array.isArray(clients)) {
    for (const link of group.clients) ctx.data.removeGroupClient(group, link.target);
    for (const c of objectsOf(clients)) {
      const client = ctx.data.clients.get(stringField(c, 'username') ?? '');
      if (client !== undefined) ctx.data.addGroupClient(group, client, intField(c, 'priority', NO_PRIORITY));
    }
  }
  ctx.done();
  ctx.kickGroup(group);
}

function setAnonymousGroup(ctx: CommandContext): void {
  ctx.data.anonymousGroup = ctx.group(nameField(ctx, 'groupname'));
  ctx.done();
  ctx.kick(undefined);
}

function getAnonymousGroup(ctx: CommandContext): void {
  ctx.answer({ group: { groupname: ctx.data.anonymousGroup?.groupname ?? '' } });
}

export const GROUP_COMMANDS: Readonly<Record<string, (ctx: CommandContext) => void>> = {
  addGroupClient,
  createGroup,
  deleteGroup,
  getGroup,
  listGroups,
  modifyGroup,
  removeGroupClient,
  addGroupRole,
  removeGroupRole,
  setAnonymousGroup,
  getAnonymousGroup,
};
