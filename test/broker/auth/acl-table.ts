/**
 * One acl_file and the decisions it must give, shared by the unit tests (against AclFile) and
 * the interop test (against the real mosquitto 2.0, which reads the same file).
 */

export const ACL_TEXT = `# anonymous clients
topic read public/#
topic deny public/secret

user alice
topic readwrite alice/#
topic read shared/#
topic write shared/inbox
topic deny alice/private/#

user bob
topic shared/#
topic deny shared/locked
topic read devices/#

user dave
topic deny devices/#

user root
topic #
topic $SYS/#

# patterns apply to every client
pattern readwrite devices/%c/#
pattern read users/%u/#
pattern deny devices/%c/blocked
pattern write pre%u
`;

export interface Who {
  /** Row label and client id. */
  readonly clientId: string;
  readonly username?: string;
}

export const ANON: Who = { clientId: 'anon1' };
export const ALICE: Who = { clientId: 'a1', username: 'alice' };
export const BOB: Who = { clientId: 'b1', username: 'bob' };
export const CAROL: Who = { clientId: 'c1', username: 'carol' };
export const DAVE: Who = { clientId: 'd1', username: 'dave' };
export const ROOT: Who = { clientId: 'r1', username: 'root' };
export const PLUS_ID: Who = { clientId: '+' };

export type Row = readonly [who: Who, action: 'read' | 'write', topic: string, allowed: boolean];

export const ROWS: readonly Row[] = [
  [ANON, 'read', 'public/news', true],
  [ANON, 'write', 'public/news', false],
  [ANON, 'read', 'public/secret', false],
  [ANON, 'read', 'devices/anon1/temp', true],
  [ANON, 'write', 'devices/anon1/temp', true],
  [ANON, 'read', 'devices/anon1/blocked', false],
  [ANON, 'read', 'devices/other/temp', false],
  [ANON, 'read', 'users/anon1/x', false],
  [ANON, 'read', 'alice/x', false],
  [ALICE, 'write', 'alice/x', true],
  [ALICE, 'read', 'alice/x', true],
  [ALICE, 'read', 'alice/private/x', false],
  [ALICE, 'write', 'alice/private', false],
  [ALICE, 'read', 'shared/news', true],
  [ALICE, 'write', 'shared/news', false],
  [ALICE, 'write', 'shared/inbox', true],
  [ALICE, 'read', 'users/alice/x', true],
  [ALICE, 'write', 'users/alice/x', false],
  [ALICE, 'read', 'users/bob/x', false],
  [ALICE, 'write', 'prealice', true],
  [ALICE, 'read', 'public/news', false],
  [ALICE, 'read', 'devices/a1/x', true],
  [BOB, 'read', 'shared/x', true],
  [BOB, 'write', 'shared/x', true],
  [BOB, 'read', 'shared/locked', false],
  [BOB, 'write', 'shared/locked', false],
  // bob's own grant is decided before the deny pattern; writing falls through to it.
  [BOB, 'read', 'devices/b1/blocked', true],
  [BOB, 'write', 'devices/b1/blocked', false],
  [CAROL, 'read', 'devices/c1/x', true],
  [CAROL, 'read', 'users/carol/y', true],
  [CAROL, 'read', 'shared/x', false],
  // dave's own deny is decided before the patterns that would grant it.
  [DAVE, 'read', 'devices/d1/x', false],
  [DAVE, 'read', 'users/dave/x', true],
  [ROOT, 'read', 'anything/at/all', true],
  [ROOT, 'write', 'anything/at/all', true],
  [ROOT, 'read', '$SYS/broker/uptime', true],
  // Client id "+" would turn devices/%c/# into devices/+/#: it gets nothing through patterns,
  // while its own list still applies.
  [PLUS_ID, 'read', 'public/news', true],
  [PLUS_ID, 'read', 'devices/other/temp', false],
];
