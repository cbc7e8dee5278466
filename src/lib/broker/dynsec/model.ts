/**
 * The dynamic security data, as mosquitto 2.0's plugin holds it (plugins/dynamic-security): clients,
 * groups and roles linked both ways, each link with a priority. Lists are kept in the order the
 * plugin checks and lists them, so a JSON file written by either reads the same in the other.
 */

export const ACL_TYPES = ['publishClientSend', 'publishClientReceive', 'subscribeLiteral', 'subscribePattern', 'unsubscribeLiteral', 'unsubscribePattern'] as const;
export type AclType = (typeof ACL_TYPES)[number];

/** The four defaults of defaultACLAccess, in the plugin's order. */
export const DEFAULT_ACCESS_TYPES = ['publishClientSend', 'publishClientReceive', 'subscribe', 'unsubscribe'] as const;
export type DefaultAccessType = (typeof DEFAULT_ACCESS_TYPES)[number];
export type DefaultAccess = Record<DefaultAccessType, boolean>;

/** The plugin's priority when none is given: links sort below any explicit priority of 0 or more. */
export const NO_PRIORITY = -1;

export interface Acl {
  readonly topic: string;
  readonly priority: number;
  readonly allow: boolean;
}

/** PBKDF2-SHA512 of the password: a 64-byte hash, a 12-byte salt, base64 in the file. */
export interface PasswordHash {
  readonly hash: Buffer;
  readonly salt: Buffer;
  readonly iterations: number;
}

export interface Link<T> {
  readonly target: T;
  readonly priority: number;
}

export interface Role {
  readonly rolename: string;
  textname?: string | undefined;
  textdescription?: string | undefined;
  /** Each list highest priority first; equal priorities in the order they were added. */
  acls: Record<AclType, Acl[]>;
}

export interface Client {
  readonly username: string;
  clientid?: string | undefined;
  textname?: string | undefined;
  textdescription?: string | undefined;
  disabled: boolean;
  password?: PasswordHash | undefined;
  roles: Link<Role>[];
  groups: Link<Group>[];
}

export interface Group {
  readonly groupname: string;
  textname?: string | undefined;
  textdescription?: string | undefined;
  roles: Link<Role>[];
  clients: Link<Client>[];
}

/** strcmp's order, which the plugin sorts names in. */
export function byName(a: string, b: string): number {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return Buffer.compare(x, y);
}

/** Inserts keeping `list` sorted by `compare`, after the equal ones (uthash's HASH_ADD_INORDER). */
export function insertSorted<T>(list: T[], item: T, compare: (a: T, b: T) => number): void {
  let i = list.length;
  while (i > 0 && compare(item, list[i - 1]!) < 0) i--;
  list.splice(i, 0, item);
}

/** Links highest priority first, then by name. */
export function linkOrder<T>(nameOf: (t: T) => string): (a: Link<T>, b: Link<T>) => number {
  return (a, b) => b.priority - a.priority || byName(nameOf(a.target), nameOf(b.target));
}

export const roleLinkOrder = linkOrder<Role>((r) => r.rolename);
export const groupLinkOrder = linkOrder<Group>((g) => g.groupname);
/** A group's members by name alone, whatever their priority. */
export const clientLinkOrder = (a: Link<Client>, b: Link<Client>): number => byName(a.target.username, b.target.username);
export const aclOrder = (a: Acl, b: Acl): number => b.priority - a.priority;

export function emptyAcls(): Record<AclType, Acl[]> {
  return {
    publishClientSend: [],
    publishClientReceive: [],
    subscribeLiteral: [],
    subscribePattern: [],
    unsubscribeLiteral: [],
    unsubscribePattern: [],
  };
}

/** Everything the plugin's JSON file holds. */
export class DynsecData {
  readonly clients = new Map<string, Client>();
  readonly groups = new Map<string, Group>();
  readonly roles = new Map<string, Role>();
  anonymousGroup: Group | undefined;
  defaultAccess: DefaultAccess = { publishClientSend: false, publishClientReceive: false, subscribe: false, unsubscribe: false };

  sortedClients(): Client[] {
    return [...this.clients.values()].sort((a, b) => byName(a.username, b.username));
  }

  sortedGroups(): Group[] {
    return [...this.groups.values()].sort((a, b) => byName(a.groupname, b.groupname));
  }

  sortedRoles(): Role[] {
    return [...this.roles.values()].sort((a, b) => byName(a.rolename, b.rolename));
  }

  /** Links a role to a client; false when the client has it already. */
  addClientRole(client: Client, role: Role, priority: number): boolean {
    if (client.roles.some((l) => l.target === role)) return false;
    insertSorted(client.roles, { target: role, priority }, roleLinkOrder);
    return true;
  }

  addGroupRole(group: Group, role: Role, priority: number): boolean {
    if (group.roles.some((l) => l.target === role)) return false;
    insertSorted(group.roles, { target: role, priority }, roleLinkOrder);
    return true;
  }

  /** Puts a client in a group; false when it is there already. */
  addGroupClient(group: Group, client: Client, priority: number): boolean {
    if (group.clients.some((l) => l.target === client)) return false;
    insertSorted(group.clients, { target: client, priority }, clientLinkOrder);
    insertSorted(client.groups, { target: group, priority }, groupLinkOrder);
    return true;
  }

  removeGroupClient(group: Group, client: Client): void {
    group.clients = group.clients.filter((l) => l.target !== client);
    client.groups = client.groups.filter((l) => l.target !== group);
  }

  deleteClient(client: Client): void {
    for (const link of client.groups) this.removeGroupClient(link.target, client);
    this.clients.delete(client.username);
  }

  deleteGroup(group: Group): void {
    for (const link of group.clients) link.target.groups = link.target.groups.filter((l) => l.target !== group);
    this.groups.delete(group.groupname);
    if (this.anonymousGroup === group) this.anonymousGroup = undefined;
  }

  deleteRole(role: Role): void {
    for (const client of this.clients.values()) client.roles = client.roles.filter((l) => l.target !== role);
    for (const group of this.groups.values()) group.roles = group.roles.filter((l) => l.target !== role);
    this.roles.delete(role.rolename);
  }

  /** Clients holding `role` directly, and groups holding it: whom a change to it concerns. */
  holdersOf(role: Role): { clients: Client[]; groups: Group[] } {
    return {
      clients: [...this.clients.values()].filter((c) => c.roles.some((l) => l.target === role)),
      groups: [...this.groups.values()].filter((g) => g.roles.some((l) => l.target === role)),
    };
  }
}
