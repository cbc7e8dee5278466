/**
 * What one control command works with: the data, its JSON fields read with the plugin's rules,
 * its answer, and the side effects it asks for (save the file, disconnect clients).
 */
import type { JsonValue } from './cjson-print.js';
import { field, intField, type JsonObject } from './json-fields.js';
import type { Client, DynsecData, Group, Role } from './model.js';
import { NO_PRIORITY } from './model.js';

/** A command refused with the plugin's error text, e.g. "Client not found". */
export class Refusal extends Error {}

export interface CommandEffects {
  /** The file must be written again. */
  changed: boolean;
  /** Usernames whose connections end; undefined stands for every client without a username. */
  readonly kicks: (string | undefined)[];
}

export class CommandContext {
  readonly effects: CommandEffects = { changed: false, kicks: [] };

  constructor(
    readonly data: DynsecData,
    readonly command: JsonObject,
    private readonly name: string,
    private readonly correlationData: string | undefined,
    private readonly responses: JsonValue[],
  ) {}

  /** The plugin's plain answer: the command's name, with `error` when it failed. */
  reply(error?: string): void {
    this.responses.push({ command: this.name, error, correlationData: this.correlationData });
  }

  /** An answer carrying `data` (getClient, listRoles...). */
  answer(data: JsonValue): void {
    this.responses.push({ command: this.name, data, correlationData: this.correlationData });
  }

  /** A change is done: the file is written, and the answer says so. */
  done(): void {
    this.effects.changed = true;
    this.reply();
  }

  kick(username: string | undefined): void {
    this.effects.kicks.push(username);
  }

  kickGroup(group: Group): void {
    if (this.data.anonymousGroup === group) this.kick(undefined);
    for (const link of group.clients) this.kick(link.target.username);
  }

  kickRole(role: Role): void {
    const { clients, groups } = this.data.holdersOf(role);
    for (const client of clients) this.kick(client.username);
    for (const group of groups) this.kickGroup(group);
  }

  /** A string field; undefined when absent and optional; Refusal(error) when required or not a string. */
  string(key: string, error: string, optional = false): string | undefined {
    const value = field(this.command, key);
    if (value === undefined && optional) return undefined;
    if (typeof value !== 'string') throw new Refusal(error);
    return value;
  }

  required(key: string, error: string): string {
    return this.string(key, error)!;
  }

  /** A string field only when present and a string (modifyClient's optional changes). */
  given(key: string): string | undefined {
    const value = field(this.command, key);
    return typeof value === 'string' ? value : undefined;
  }

  priority(): number {
    return intField(this.command, 'priority', NO_PRIORITY);
  }

  client(username: string): Client {
    const client = this.data.clients.get(username);
    if (client === undefined) throw new Refusal('Client not found');
    return client;
  }

  group(groupname: string): Group {
    const group = this.data.groups.get(groupname);
    if (group === undefined) throw new Refusal('Group not found');
    return group;
  }

  role(rolename: string, error = 'Role not found'): Role {
    const role = this.data.roles.get(rolename);
    if (role === undefined) throw new Refusal(error);
    return role;
  }
}

/** mosquitto_validate_utf8: no control characters, surrogates or non-characters. */
export function isValidUtf8(text: string): boolean {
  for (const char of text) {
    const cp = char.codePointAt(0)!;
    if (cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f)) return false;
    if (cp >= 0xd800 && cp <= 0xdfff) return false;
    if (cp >= 0xfdd0 && cp <= 0xfdef) return false;
    if ((cp & 0xfffe) === 0xfffe) return false;
  }
  return true;
}

export function requireUtf8(text: string, error: string): void {
  if (!isValidUtf8(text)) throw new Refusal(error);
}

/** The name fields every command checks the same way. */
export const NAME_FIELDS = {
  username: ['Invalid/missing username', 'Username not valid UTF-8'],
  groupname: ['Invalid/missing groupname', 'Group name not valid UTF-8'],
  rolename: ['Invalid/missing rolename', 'Role name not valid UTF-8'],
} as const;

/** A required name field, valid UTF-8. */
export function nameField(ctx: CommandContext, key: keyof typeof NAME_FIELDS): string {
  const [missing, badUtf8] = NAME_FIELDS[key];
  const value = ctx.required(key, missing);
  requireUtf8(value, badUtf8);
  return value;
}
