/**
 * The plugin's access decisions (plugins/dynamic-security/acl.c). The first ACL that matches
 * decides: the client's roles in priority order, then its groups in priority order and each
 * group's roles in priority order, each role's ACLs in priority order. A client without a
 * username is checked against the anonymous group. When nothing matches, defaultACLAccess
 * decides, except that $CONTROL topics are never granted by default.
 */
import { topicMatches } from '../../topic.js';
import type { Acl, AclType, Client, DefaultAccessType, DynsecData, Link, Role } from './model.js';

export type Access = 'publishClientSend' | 'publishClientReceive' | 'subscribe' | 'unsubscribe';

export interface Subject {
  readonly clientId: string;
  readonly username?: string | undefined;
}

/** A level of an ACL topic that stands for the client's id or username (mosquitto 2.1). */
const CLIENT_ID_LEVEL = '%c';
const USERNAME_LEVEL = '%u';

/** Replaces %c and %u levels; undefined when the ACL names a username the client lacks. */
function expand(topic: string, who: Subject): string | undefined {
  if (!topic.includes('%')) return topic;
  const levels = topic.split('/');
  for (let i = 0; i < levels.length; i++) {
    if (levels[i] === CLIENT_ID_LEVEL) levels[i] = who.clientId;
    else if (levels[i] === USERNAME_LEVEL) {
      if (who.username === undefined) return undefined;
      levels[i] = who.username;
    }
  }
  return levels.join('/');
}

/** Strips a trailing "#" level; says whether there was one (sub_matches_sub.c's hash_check). */
function withoutHash(filter: string): [levels: string[], hash: boolean] {
  if (filter === '#') return [[''], true];
  if (filter.endsWith('/#')) return [filter.slice(0, -2).split('/'), true];
  return [filter.split('/'), false];
}

/** Whether the ACL filter `acl` covers every topic of the subscription filter `sub`, as the plugin judges it. */
export function aclCoversFilter(acl: string, sub: string): boolean {
  if (acl === '#') return true;
  const [aclLevels, aclHash] = withoutHash(acl);
  const [subLevels, subHash] = withoutHash(sub);
  if (subHash && !aclHash) return false;
  if (aclLevels.length > subLevels.length) return false;
  if (subLevels.length > aclLevels.length && !aclHash) return false;
  return subLevels.every((level, i) => (i < aclLevels.length ? aclLevels[i] === '+' || aclLevels[i] === level : aclHash));
}

type Verdict = boolean | undefined;

function first(acls: readonly Acl[], who: Subject, matches: (acl: string) => boolean): Verdict {
  for (const acl of acls) {
    const topic = expand(acl.topic, who);
    if (topic !== undefined && matches(topic)) return acl.allow;
  }
  return undefined;
}

function checkRole(role: Role, access: Access, who: Subject, topic: string): Verdict {
  switch (access) {
    case 'publishClientSend':
    case 'publishClientReceive':
      return first(role.acls[access], who, (acl) => topicMatches(acl, topic));
    case 'subscribe':
    case 'unsubscribe': {
      const literal: AclType = access === 'subscribe' ? 'subscribeLiteral' : 'unsubscribeLiteral';
      const pattern: AclType = access === 'subscribe' ? 'subscribePattern' : 'unsubscribePattern';
      return first(role.acls[literal], who, (acl) => acl === topic) ?? first(role.acls[pattern], who, (acl) => aclCoversFilter(acl, topic));
    }
  }
}

function checkRoles(roles: readonly Link<Role>[], access: Access, who: Subject, topic: string): Verdict {
  for (const link of roles) {
    const verdict = checkRole(link.target, access, who, topic);
    if (verdict !== undefined) return verdict;
  }
  return undefined;
}

function checkClient(client: Client, access: Access, who: Subject, topic: string): Verdict {
  const own = checkRoles(client.roles, access, who, topic);
  if (own !== undefined) return own;
  for (const link of client.groups) {
    const verdict = checkRoles(link.target.roles, access, who, topic);
    if (verdict !== undefined) return verdict;
  }
  return undefined;
}

/** true to allow `access` on `topic` (a topic name to publish, a filter to subscribe). */
export function isAllowed(data: DynsecData, access: Access, who: Subject, topic: string): boolean {
  let verdict: Verdict;
  if (who.username !== undefined) {
    const client = data.clients.get(who.username);
    if (client === undefined) return false;
    verdict = checkClient(client, access, who, topic);
  } else if (data.anonymousGroup !== undefined) {
    verdict = checkRoles(data.anonymousGroup.roles, access, who, topic);
  }
  if (verdict !== undefined) return verdict;
  return data.defaultAccess[access satisfies DefaultAccessType] && !topic.startsWith('$CONTROL');
}
