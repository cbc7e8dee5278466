import { availableParallelism } from 'node:os';
import { HEADER_BYTES } from '../../lib/bench/payload.js';
import { SCENARIOS, type BenchSettings, type Scenario } from '../../lib/bench/plan.js';
import { UsageError } from '../ui/usage-error.js';
import { hasFlag, lastValue, type ParsedArgs } from './argv.js';
import { messageOptions } from './message.js';
import { commonOptions } from './common.js';
import { parseQos, resolveConnect, type ConnectSettings } from './connect.js';
import { parseDecimal, parseInteger } from './numbers.js';
import { optionsFileOptions } from './options-files.js';
import { pubOptionGroups } from './pub.js';
import type { OptionGroup, OptionSpec } from './spec.js';

export const benchLoadOptions: OptionGroup = {
  title: 'Load',
  options: [
    {
      key: 'connections',
      flags: ['-c', '--connections'],
      arity: 1,
      noun: 'connection count',
      valueName: 'N',
      describe: 'publishers (pub, pubsub), subscribers (sub) or connections (conn); default 1',
    },
    { key: 'subs', flags: ['--subs'], arity: 1, noun: 'subscriber count', valueName: 'N', describe: 'subscribers (pubsub: default one per publisher)' },
    {
      key: 'count',
      flags: ['-n', '--count'],
      arity: 1,
      noun: 'message count',
      valueName: 'N',
      describe: 'messages per publisher (sub: per subscriber); the run also ends at -d',
    },
    {
      key: 'duration',
      flags: ['-d', '--duration'],
      arity: 1,
      noun: 'duration',
      valueName: 'SECS',
      describe: 'length of the load phase (default 10 s, or 600 s as a limit when -n is given)',
    },
    {
      key: 'rate',
      flags: ['--rate'],
      arity: 1,
      noun: 'rate',
      valueName: 'N[/conn]',
      describe: 'messages per second in all, or per publisher with /conn (default: as fast as the broker takes them)',
    },
    { key: 'qos', flags: ['-q', '--qos'], arity: 1, noun: 'QoS', valueName: 'QOS', describe: 'QoS of publishes and subscriptions (default 0)' },
    {
      key: 'size',
      flags: ['-s', '--size'],
      arity: 1,
      noun: 'payload size',
      valueName: 'BYTES',
      describe: `payload size, at least ${HEADER_BYTES} (the timestamp and sequence header; default 32)`,
    },
    {
      key: 'topic',
      flags: ['-t', '--topic'],
      arity: 1,
      noun: 'topic',
      valueName: 'TEMPLATE',
      describe: 'topic per connection: %i index, %c client id, %u user, %r random, %% a % (default mqt-bench/%i)',
    },
    {
      key: 'subTopic',
      flags: ['--sub-topic'],
      arity: 1,
      noun: 'topic filter',
      valueName: 'TEMPLATE',
      describe: "subscribers' filter, same % codes, wildcards allowed (default: -t; subscriber i gets publisher i)",
    },
    { key: 'ramp', flags: ['--ramp'], arity: 1, noun: 'connection rate', valueName: 'N', describe: 'open at most N connections per second' },
    {
      key: 'workers',
      flags: ['--workers'],
      arity: 1,
      noun: 'worker count',
      valueName: 'N',
      describe: `worker threads sharing the connections (default one per core: ${availableParallelism()})`,
    },
  ],
};

export const benchOutputOptions: OptionGroup = {
  title: 'Output and help',
  options: [
    { key: 'json', flags: ['--json'], arity: 0, describe: 'print the summary as one JSON object (progress goes to stderr)' },
    ...commonOptions.options.filter((o) => o.key !== 'debug'),
  ],
};

/**
 * Bench takes every connection flag pub takes (TLS, PSK, WebSocket, auth, will, -D) from pub's
 * own tables, so a transport added there arrives here too. Left out: pub's message flags, -c
 * (here: connections) and -i (one id cannot serve many connections; -I sets the prefix).
 */
const NOT_FOR_BENCH = new Set(['noClean', 'id', 'debug']);

/** Rows whose wording (or spelling) differs for many connections at once. */
const BENCH_WORDING: Readonly<Record<string, Partial<OptionSpec>>> = {
  url: { describe: 'mqtt://[user[:pass]@]host[:port] in one flag (its topic is not used); -h, -p, -u and -P given too win' },
  maxInflight: { flags: ['-M', '--max-inflight', '--inflight'], describe: 'QoS 1/2 messages in flight per publisher (default 20)' },
  idPrefix: { describe: 'client ids are PREFIX + pub|sub|conn + index (default mqt-bench-PID-)' },
  sessionExpiry: { describe: 'v5 session expiry interval of every connection (default 0). Implies -V 5' },
};

function forBench(spec: OptionSpec): OptionSpec {
  const wording = BENCH_WORDING[spec.key];
  return wording === undefined ? spec : { ...spec, ...wording };
}

const connectionGroups: OptionGroup[] = pubOptionGroups
  .filter((group) => group !== messageOptions && group !== commonOptions && group !== optionsFileOptions)
  .map((group) => ({ title: group.title, options: group.options.filter((o) => !NOT_FOR_BENCH.has(o.key)).map(forBench) }));

export const benchOptionGroups: readonly OptionGroup[] = [benchLoadOptions, ...connectionGroups, benchOutputOptions];

export interface BenchCommandSettings {
  bench: BenchSettings;
  connect: ConnectSettings;
  json: boolean;
}

const DEFAULT_DURATION_S = 10;
const LIMIT_WITH_COUNT_S = 600;

function count(args: ParsedArgs, key: string, flag: string, min: number, fallback: number): number {
  const text = lastValue(args, key);
  return text === undefined ? fallback : parseInteger(text, min, 1_000_000, (t) => `Invalid ${flag} '${t}': a whole number from ${min} to 1000000.`);
}

function resolveScenario(args: ParsedArgs): Scenario {
  const [name, ...extra] = args.positionals;
  if (name === undefined) throw new UsageError(`Which scenario? Give one of: ${SCENARIOS.join(', ')}.`);
  if (!SCENARIOS.includes(name as Scenario)) throw new UsageError(`Unknown scenario '${name}': give one of ${SCENARIOS.join(', ')}.`);
  if (extra.length > 0) throw new UsageError(`Unexpected argument '${extra[0]!}'.`);
  return name as Scenario;
}

/** "5000" in all, or "100/conn" per publisher; returns messages per second over the run. */
function resolveRate(text: string | undefined, publishers: number): number | undefined {
  if (text === undefined) return undefined;
  const match = /^([^/]+?)(\/conn)?$/.exec(text.trim());
  const value = parseDecimal(match?.[1] ?? '', 0.001, 1e9, () => `Invalid --rate '${text}': messages per second, e.g. 5000 or 100/conn.`);
  return match?.[2] === undefined ? value : value * publishers;
}

export function resolveBench(args: ParsedArgs): BenchCommandSettings {
  const scenario = resolveScenario(args);
  const connect = resolveConnect(args, { invalidIdText: 'Invalid id.' });
  const connections = count(args, 'connections', '-c', 1, 1);
  const subsGiven = hasFlag(args, 'subs');
  if (subsGiven && (scenario === 'pub' || scenario === 'conn')) throw new UsageError(`--subs does not apply to bench ${scenario}.`);
  const subscribers = scenario === 'pubsub' || scenario === 'sub' ? count(args, 'subs', '--subs', 1, connections) : 0;
  const publishers = scenario === 'pub' || scenario === 'pubsub' ? connections : 0;
  if (publishers === 0 && hasFlag(args, 'rate')) throw new UsageError(`--rate does not apply to bench ${scenario}.`);
  if (scenario === 'conn' && hasFlag(args, 'count')) throw new UsageError('-n does not apply to bench conn.');
  const messages = hasFlag(args, 'count') ? count(args, 'count', '-n', 1, 1) : undefined;
  const durationText = lastValue(args, 'duration');
  const durationS =
    durationText === undefined
      ? messages === undefined
        ? DEFAULT_DURATION_S
        : LIMIT_WITH_COUNT_S
      : parseDecimal(durationText, 0.1, 86_400, (t) => `Invalid -d '${t}': seconds, from 0.1 to 86400.`);
  const size = count(args, 'size', '-s', HEADER_BYTES, 32);
  const qosText = lastValue(args, 'qos');
  const qos = qosText === undefined ? 0 : parseQos(qosText, (t) => `Invalid QoS '${t}': 0, 1 or 2.`);
  const rampText = lastValue(args, 'ramp');
  const ramp = rampText === undefined ? undefined : parseDecimal(rampText, 0.1, 1e6, (t) => `Invalid --ramp '${t}': connections per second.`);
  const total = publishers + subscribers + (scenario === 'conn' ? connections : 0);
  const workers = Math.min(total, count(args, 'workers', '--workers', 1, availableParallelism()));
  const topic = lastValue(args, 'topic') ?? 'mqt-bench/%i';
  return {
    bench: {
      scenario,
      publishers,
      subscribers,
      plainConnections: scenario === 'conn' ? connections : 0,
      workers,
      qos,
      payloadBytes: size,
      messages,
      durationMs: durationS * 1000,
      rate: resolveRate(lastValue(args, 'rate'), publishers),
      ramp,
      topic,
      subTopic: lastValue(args, 'subTopic') ?? topic,
      clientIdPrefix: lastValue(args, 'idPrefix') ?? `mqt-bench-${process.pid}-`,
      target: connect.target,
      client: connect.client,
      properties: { publish: connect.properties.publish, subscribe: connect.properties.subscribe },
    },
    connect,
    json: hasFlag(args, 'json'),
  };
}
