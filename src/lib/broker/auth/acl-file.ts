import { readFileSync } from 'node:fs';
import { fileError } from '../../fs/file-errors.js';
import type { MqttError } from '../../errors.js';
import { isValidTopicFilter, parseSharedSubscription, topicMatches } from '../../topic.js';
import { parseAclFile, type AclRule, type AclTable } from './acl-parse.js';
import { intersectFilters, isCoveredBy, toLevels, type Levels } from './filter-cover.js';

/** Who is asking: the identity the ACL looks at. */
export interface AclClient {
  readonly clientId: string;
  readonly username?: string;
}

type Action = 'read' | 'write';

/**
 * Access decisions from an acl_file, with mosquitto 2.0's semantics (mosquitto_acl_check_default
 * in security_default.c):
 *
 * 1. The client's own list: the rules of its `user` section, or the anonymous rules when it has
 *    no username (a username without a section has no list). If a deny rule matches the topic,
 *    access is denied; otherwise a matching rule granting the action allows it.
 * 2. Then the patterns, with %c and %u replaced by client id and username (a pattern using %u is
 *    skipped for clients without a username). A client id or username containing '+' or '#'
 *    gets no access through patterns at all: it could otherwise widen its own pattern. '/' is
 *    substituted as it is, as mosquitto does. Deny patterns first, then granting ones, as in 1.
 * 3. Nothing matched: denied. An empty acl_file denies everything.
 *
 * A list's denies win over its grants, but a grant in the client's own list wins over a deny
 * pattern: mosquitto decides the own list first.
 *
 * `read` governs delivery: each message (retained ones included) reaches a subscriber only where
 * it may read that message's topic. mosquitto 2.0 grants every SUBSCRIBE whatever the acl_file
 * says; canSubscribe refuses one when the client can read no topic the filter matches (see there).
 */
export class AclFile {
  readonly path: string;
  #table: AclTable;
  #warnings: readonly MqttError[];

  private constructor(path: string, table: AclTable, warnings: readonly MqttError[]) {
    this.path = path;
    this.#table = table;
    this.#warnings = warnings;
  }

  /** Reads and parses the file; an unreadable file or a bad line throws, as mosquitto refuses to start. */
  static load(path: string): AclFile {
    const { table, warnings } = parseAclFile(readText(path), path);
    return new AclFile(path, table, warnings);
  }

  static fromText(path: string, text: string): AclFile {
    const { table, warnings } = parseAclFile(text, path);
    return new AclFile(path, table, warnings);
  }

  /** Lines accepted with a warning at the last successful (re)load. */
  get warnings(): readonly MqttError[] {
    return this.#warnings;
  }

  /**
   * Reads the file again (SIGHUP); on failure the old rules stay in force and the error is thrown.
   * Synchronous, so that nothing that arrives after the signal is judged by the old rules.
   */
  reload(): void {
    const { table, warnings } = parseAclFile(readText(this.path), this.path);
    this.#table = table;
    this.#warnings = warnings;
  }

  /** May the client receive a message published to `topic`? */
  canRead(client: AclClient, topic: string): boolean {
    return this.#decide(client, topic, 'read');
  }

  /** May the client publish to `topic`? */
  canWrite(client: AclClient, topic: string): boolean {
    return this.#decide(client, topic, 'write');
  }

  /**
   * False when the client may read no topic at all that `filter` matches, so that the SUBSCRIBE
   * can be refused (SUBACK 0x80, v5 0x87) instead of granted and then never delivering anything.
   * Precisely: true iff some topic T exists with topicMatches(filter, T) and canRead(client, T).
   * A shared subscription is judged on its inner filter. mosquitto 2.0 grants all subscriptions,
   * so this is where mqt is stricter; a filter that is only partly readable is granted, and its
   * messages are then filtered one by one by canRead.
   */
  canSubscribe(client: AclClient, filter: string): boolean {
    if (!isValidTopicFilter(filter)) return false;
    const wanted = toLevels(parseSharedSubscription(filter)?.filter ?? filter);
    const own = this.#ownRules(client);
    const ownDenies = own.filter((rule) => rule.access === 'deny').map((rule) => toLevels(rule.topic));
    const readable = (grants: readonly string[], denies: readonly Levels[]): boolean =>
      grants.some((grant) => {
        const both = intersectFilters(wanted, toLevels(grant));
        return both !== undefined && !isCoveredBy(both, denies);
      });
    if (readable(readGrants(own), ownDenies)) return true;
    const patterns = this.#patterns(client);
    const patternDenies = patterns.filter((p) => p.access === 'deny').map((p) => toLevels(p.topic));
    return readable(readGrants(patterns), [...ownDenies, ...patternDenies]);
  }

  #decide(client: AclClient, topic: string, action: Action): boolean {
    const own = decideList(this.#ownRules(client), topic, action);
    if (own !== undefined) return own;
    return decideList(this.#patterns(client), topic, action) ?? false;
  }

  #ownRules(client: AclClient): readonly AclRule[] {
    return (client.username === undefined ? this.#table.anonymous : this.#table.users.get(client.username)) ?? [];
  }

  /** The patterns with this client's names filled in; none for names that could widen them. */
  #patterns(client: AclClient): AclRule[] {
    const { clientId, username } = client;
    if (this.#table.patterns.length === 0 || /[+#]/.test(clientId) || (username !== undefined && /[+#]/.test(username))) return [];
    const rules: AclRule[] = [];
    for (const pattern of this.#table.patterns) {
      if (username === undefined && pattern.topic.includes('%u')) continue;
      const topic = pattern.topic.replace(/%[cu]/g, (token) => (token === '%c' ? clientId : username!));
      rules.push({ ...pattern, topic });
    }
    return rules;
  }
}

/** allow / deny when a rule of the list decides, undefined when none does. Denies come first. */
function decideList(rules: readonly AclRule[], topic: string, action: Action): boolean | undefined {
  if (rules.some((rule) => rule.access === 'deny' && topicMatches(rule.topic, topic))) return false;
  if (rules.some((rule) => grants(rule, action) && topicMatches(rule.topic, topic))) return true;
  return undefined;
}

function grants(rule: AclRule, action: Action): boolean {
  return rule.access === 'readwrite' || rule.access === action;
}

function readGrants(rules: readonly AclRule[]): string[] {
  return rules.filter((rule) => grants(rule, 'read')).map((rule) => rule.topic);
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw fileError(err, `Unable to open acl_file ${path}`);
  }
}
