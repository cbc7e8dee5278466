/**
 * Pieces several commands share: a command's "roles" list (dynsec_rolelist__load_from_json), a
 * list answer's paging (listClients, listGroups, listRoles), and the JSON of one group.
 */
import type { JsonValue } from './cjson-print.js';
import { Refusal, type CommandContext } from './command-context.js';
import { linksJson } from './config-file.js';
import { field, intField, isObject, stringField } from './json-fields.js';
import { NO_PRIORITY, insertSorted, roleLinkOrder, type Group, type Link, type Role } from './model.js';

export const BAD_ROLES = "'roles' not an array or missing/invalid rolename";

/** The command's roles, undefined when it has no "roles"; Refusal for a bad list or an unknown role. */
export function commandRoles(ctx: CommandContext): Link<Role>[] | undefined {
  const value = field(ctx.command, 'roles');
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new Refusal(BAD_ROLES);
  const links: Link<Role>[] = [];
  for (const item of value) {
    const rolename = isObject(item) ? stringField(item, 'rolename') : undefined;
    if (rolename === undefined) throw new Refusal(BAD_ROLES);
    const role = ctx.role(rolename);
    if (!links.some((l) => l.target === role)) insertSorted(links, { target: role, priority: isObject(item) ? intField(item, 'priority', NO_PRIORITY) : NO_PRIORITY }, roleLinkOrder);
  }
  return links;
}

/** The page a list command asks for: `count` from `offset`; a count of 0 still gives one, as in the plugin. */
export function page<T>(ctx: CommandContext, items: readonly T[]): T[] {
  const count = intField(ctx.command, 'count', -1);
  const offset = Math.max(0, intField(ctx.command, 'offset', 0));
  const rest = items.slice(offset);
  return count < 0 ? rest : rest.slice(0, Math.max(count, 1));
}

export function verbose(ctx: CommandContext): boolean {
  const value = field(ctx.command, 'verbose');
  return typeof value === 'boolean' && value;
}

export function groupJson(group: Group): JsonValue {
  return {
    groupname: group.groupname,
    textname: group.textname,
    textdescription: group.textdescription,
    clients: group.clients.map((l) => ({ username: l.target.username })),
    roles: linksJson(group.roles, 'rolename', (r) => r.rolename),
  };
}
