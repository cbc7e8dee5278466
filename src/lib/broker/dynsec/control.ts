/**
 * One message to $CONTROL/dynamic-security/v1: its commands run in order, each adds its answer
 * to the response ({"responses":[{"command":…,"error":…,"data":…}]}), as the plugin's
 * dynsec__handle_control does. Command names are matched whatever their case.
 */
import type { JsonValue } from './cjson-print.js';
import { CLIENT_COMMANDS } from './client-commands.js';
import { CommandContext, Refusal, type CommandEffects } from './command-context.js';
import { GROUP_COMMANDS } from './group-commands.js';
import { controlLogLines, type Admin } from './control-log.js';
import { field, isObject } from './json-fields.js';
import type { DynsecData } from './model.js';
import { ROLE_COMMANDS } from './role-commands.js';

const COMMANDS = new Map(Object.entries({ ...ROLE_COMMANDS, ...CLIENT_COMMANDS, ...GROUP_COMMANDS }).map(([name, run]) => [name.toLowerCase(), { name, run }]));

export interface ControlResult {
  /** The response payload's JSON. */
  readonly response: string;
  readonly effects: CommandEffects;
  /** What the plugin logs of the commands that succeeded. */
  readonly logLines: readonly string[];
}

function unknown(responses: JsonValue[], error: string): void {
  responses.push({ command: 'Unknown command', error });
}

export function runControl(data: DynsecData, payload: Buffer, admin: Admin): ControlResult {
  const responses: JsonValue[] = [];
  const logLines: string[] = [];
  const effects: CommandEffects = { changed: false, kicks: [] };
  const result = (): ControlResult => ({ response: JSON.stringify({ responses }), effects, logLines });
  let tree: unknown;
  try {
    tree = JSON.parse(payload.toString('utf8'));
  } catch {
    unknown(responses, 'Payload not valid JSON');
    return result();
  }
  const commands = isObject(tree) ? field(tree, 'commands') : undefined;
  if (!Array.isArray(commands)) {
    unknown(responses, 'Invalid/missing commands');
    return result();
  }
  for (const command of commands) {
    if (!isObject(command)) {
      unknown(responses, 'Command not an object');
      continue;
    }
    const name = field(command, 'command');
    if (typeof name !== 'string') {
      unknown(responses, 'Missing command');
      continue;
    }
    const correlationData = field(command, 'correlationData');
    if (correlationData !== undefined && typeof correlationData !== 'string') {
      // The plugin stops at this one: later commands are not run.
      responses.push({ command: name, error: 'Invalid correlationData data type.' });
      break;
    }
    const entry = COMMANDS.get(name.toLowerCase());
    if (entry === undefined) {
      responses.push({ command: name, error: 'Unknown command', correlationData });
      continue;
    }
    const ctx = new CommandContext(data, command, entry.name, correlationData, responses);
    try {
      entry.run(ctx);
      logLines.push(...controlLogLines(entry.name, command, admin, data));
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      ctx.reply(err.message);
    }
    effects.changed ||= ctx.effects.changed;
    effects.kicks.push(...ctx.effects.kicks);
  }
  return result();
}
