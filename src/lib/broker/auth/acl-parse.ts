import { ErrorCode, MqttError } from '../../errors.js';
import { isValidTopicFilter } from '../../topic.js';

/**
 * mosquitto 2.0's acl_file grammar, read as `aclfile__parse` in security_default.c reads it:
 *
 *   # comment              only when '#' is the very first byte of the line
 *   topic [ACCESS] TOPIC   ACCESS: read | write | readwrite | deny; without it, readwrite
 *   pattern [ACCESS] TOPIC the same, with %c (client id) and %u (username) substituted
 *   user NAME              the topic lines after it belong to NAME; those before any user line
 *                          apply to clients without a username
 *
 * Fields are separated by spaces only (a tab glues words into one), trailing white space is
 * dropped, and everything after ACCESS is the topic, trimmed, spaces included. When only one word
 * follows "topic" it is the topic, so `topic read` grants readwrite on the topic "read".
 * Any other line stops the broker: here an MqttError naming file, line and problem.
 */

export type AclAccess = 'read' | 'write' | 'readwrite' | 'deny';

export interface AclRule {
  readonly access: AclAccess;
  /** The topic filter as written (for patterns, before substitution). */
  readonly topic: string;
  /** 1-based line in the file, for messages. */
  readonly line: number;
}

export interface AclTable {
  /** Rules for clients without a username; undefined when the file has no such lines. */
  readonly anonymous: readonly AclRule[] | undefined;
  /** Rules per `user` name; several sections for one name are joined. */
  readonly users: ReadonlyMap<string, readonly AclRule[]>;
  readonly patterns: readonly AclRule[];
}

export interface ParsedAcl {
  readonly table: AclTable;
  /** Lines mosquitto accepts with a warning, such as a pattern with neither %c nor %u. */
  readonly warnings: readonly MqttError[];
}

const ACCESS_WORDS: ReadonlySet<string> = new Set<AclAccess>(['read', 'write', 'readwrite', 'deny']);
const TRAILING_SPACE = /[ \t\n\v\f\r]+$/;
const C_SPACE = /^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g;

export function parseAclFile(text: string, path: string): ParsedAcl {
  let anonymous: AclRule[] | undefined;
  const users = new Map<string, AclRule[]>();
  const patterns: AclRule[] = [];
  const warnings: MqttError[] = [];
  let user: string | undefined;
  const fail = (line: number, message: string): MqttError => new MqttError(ErrorCode.InvalidFile, `${path}:${line}: ${message}`);

  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const content = raw.replace(TRAILING_SPACE, '');
    if (content.startsWith('#')) return;
    const words = splitFirst(content);
    if (words === undefined) return;
    const [keyword, rest] = words;
    if (keyword === 'user') {
      const name = rest?.replace(C_SPACE, '');
      if (name === undefined || name === '') throw fail(line, 'missing username after "user"');
      user = name;
      return;
    }
    if (keyword !== 'topic' && keyword !== 'pattern') {
      throw fail(line, `invalid line "${content}": expected "user", "topic" or "pattern" (separated by spaces), or '#' in the first column for a comment`);
    }
    const rule = parseRule(rest, line, fail);
    if (keyword === 'pattern') {
      if (!rule.topic.includes('%c') && !rule.topic.includes('%u')) {
        warnings.push(fail(line, `ACL pattern "${rule.topic}" does not contain %c or %u`));
      }
      patterns.push(rule);
    } else if (user === undefined) {
      (anonymous ??= []).push(rule);
    } else {
      const list = users.get(user) ?? [];
      list.push(rule);
      users.set(user, list);
    }
  });
  return { table: { anonymous, users, patterns }, warnings };
}

function parseRule(rest: string | undefined, line: number, fail: (line: number, message: string) => MqttError): AclRule {
  const words = rest === undefined ? undefined : splitFirst(rest);
  if (words === undefined) throw fail(line, 'empty topic');
  const [first, remainder] = words;
  let access: AclAccess = 'readwrite';
  let topic = first;
  if (remainder !== undefined) {
    if (!ACCESS_WORDS.has(first)) throw fail(line, `invalid topic access type "${first}": expected read, write, readwrite or deny`);
    access = first as AclAccess;
    topic = remainder.replace(C_SPACE, '');
  }
  // Only the wildcards' places are checked, as mosquitto_sub_topic_check does: behind a first
  // level, "$share/..." is not read as a shared subscription.
  if (!isValidTopicFilter(`x/${topic}`)) throw fail(line, `invalid ACL topic "${topic}"`);
  return { access, topic, line };
}

/**
 * strtok(line, " ") then strtok(NULL, ""): the first space-separated word, and everything after
 * the single space that ends it (undefined when nothing follows). Undefined for a blank line.
 */
function splitFirst(text: string): [string, string | undefined] | undefined {
  let start = 0;
  while (text[start] === ' ') start++;
  if (start === text.length) return undefined;
  const end = text.indexOf(' ', start);
  if (end === -1) return [text.slice(start), undefined];
  const rest = text.slice(end + 1);
  return [text.slice(start, end), rest === '' ? undefined : rest];
}
