/**
 * The role commands (plugins/dynamic-security/roles.c) and the default access ones (plugin.c)
 * of the control API, with their answers and errors.
 */
import { isValidTopicFilter } from '../../topic.js';
import { Refusal, nameField, requireUtf8, type CommandContext } from './command-context.js';
import { readAllAcls, roleJson } from './config-file.js';
import { boolField, field, intField, objectsOf, stringField } from './json-fields.js';
import { ACL_TYPES, DEFAULT_ACCESS_TYPES, aclOrder, emptyAcls, insertSorted, type AclType } from './model.js';
import { page, verbose } from './role-links.js';

function createRole(ctx: CommandContext): void {
  const rolename = nameField(ctx, 'rolename');
  const textname = ctx.string('textname', 'Invalid/missing textname', true);
  const textdescription = ctx.string('textdescription', 'Invalid/missing textdescription', true);
  if (ctx.data.roles.has(rolename)) throw new Refusal('Role already exists');
  const acls = field(ctx.command, 'acls');
  ctx.data.roles.set(rolename, { rolename, textname, textdescription, acls: Array.isArray(acls) ? readAllAcls(acls) : emptyAcls() });
  ctx.done();
}

function deleteRole(ctx: CommandContext): void {
  const role = ctx.role(nameField(ctx, 'rolename'));
  ctx.kickRole(role);
  ctx.data.deleteRole(role);
  ctx.done();
}

function getRole(ctx: CommandContext): void {
  ctx.answer({ role: roleJson(ctx.role(nameField(ctx, 'rolename'))) });
}

function listRoles(ctx: CommandContext): void {
  const all = ctx.data.sortedRoles();
  const full = verbose(ctx);
  ctx.answer({ totalCount: all.length, roles: page(ctx, all).map((r) => (full ? roleJson(r) : r.rolename)) });
}

function modifyRole(ctx: CommandContext): void {
  const role = ctx.role(nameField(ctx, 'rolename'), 'Role does not exist');
  const textname = ctx.given('textname');
  if (textname !== undefined) role.textname = textname;
  const textdescription = ctx.given('textdescription');
  if (textdescription !== undefined) role.textdescription = textdescription;
  const acls = field(ctx.command, 'acls');
  if (Array.isArray(acls)) role.acls = readAllAcls(acls);
  ctx.done();
}

/** The ACL type and topic an addRoleACL or removeRoleACL names. */
function aclTarget(ctx: CommandContext): { type: AclType; topic: string } {
  const acltype = stringField(ctx.command, 'acltype');
  if (acltype === undefined) throw new Refusal('Invalid/missing acltype');
  const type = ACL_TYPES.find((t) => t.toLowerCase() === acltype.toLowerCase());
  if (type === undefined) throw new Refusal('Unknown acltype');
  const topic = stringField(ctx.command, 'topic');
  if (topic === undefined) throw new Refusal('Invalid/missing topic');
  requireUtf8(topic, 'Topic not valid UTF-8');
  if (!isValidTopicFilter(topic)) throw new Refusal('Invalid ACL topic');
  return { type, topic };
}

function addRoleACL(ctx: CommandContext): void {
  const role = ctx.role(nameField(ctx, 'rolename'));
  const { type, topic } = aclTarget(ctx);
  const list = role.acls[type];
  if (list.some((a) => a.topic === topic)) throw new Refusal('ACL with this topic already exists');
  insertSorted(list, { topic, priority: intField(ctx.command, 'priority', 0), allow: boolField(ctx.command, 'allow', false) }, aclOrder);
  ctx.done();
  ctx.kickRole(role);
}

function removeRoleACL(ctx: CommandContext): void {
  const role = ctx.role(nameField(ctx, 'rolename'));
  const { type, topic } = aclTarget(ctx);
  const list = role.acls[type];
  const at = list.findIndex((a) => a.topic === topic);
  if (at < 0) throw new Refusal('ACL not found');
  list.splice(at, 1);
  ctx.done();
  ctx.kickRole(role);
}

function setDefaultACLAccess(ctx: CommandContext): void {
  const acls = field(ctx.command, 'acls');
  if (!Array.isArray(acls)) throw new Refusal('Missing/invalid actions array');
  for (const acl of objectsOf(acls)) {
    const acltype = stringField(acl, 'acltype');
    const allow = field(acl, 'allow');
    if (acltype === undefined || typeof allow !== 'boolean') continue;
    const type = DEFAULT_ACCESS_TYPES.find((t) => t.toLowerCase() === acltype.toLowerCase());
    if (type !== undefined) ctx.data.defaultAccess[type] = allow;
  }
  ctx.done();
}

function getDefaultACLAccess(ctx: CommandContext): void {
  ctx.answer({ acls: DEFAULT_ACCESS_TYPES.map((acltype) => ({ acltype, allow: ctx.data.defaultAccess[acltype] })) });
}

export const ROLE_COMMANDS: Readonly<Record<string, (ctx: CommandContext) => void>> = {
  setDefaultACLAccess,
  getDefaultACLAccess,
  createRole,
  getRole,
  listRoles,
  modifyRole,
  deleteRole,
  addRoleACL,
  removeRoleACL,
};
