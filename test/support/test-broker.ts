import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Broker } from '../../src/lib/broker/broker.js';
import { startBridges } from '../../src/lib/bridge/start.js';
import { readMosquittoConf } from '../../src/lib/broker/config/mosquitto-conf.js';
import { buildServeConfig } from '../../src/lib/broker/config/serve-config.js';
import { MqttError } from '../../src/lib/errors.js';
import { freePort } from './ports.js';
import type { SecuritySection } from '../../src/lib/broker/config/state.js';
import type { ServeConfig } from '../../src/lib/broker/config/types.js';
import { startServer, type ServerHooks, type ServerLog } from '../../src/lib/broker/server.js';
import { DEFAULT_LIMITS, type BrokerLimits, type BrokerOptions, type ListenerSettings, type LogLevel } from '../../src/lib/broker/types.js';

export interface TestBroker {
  port: number;
  broker: Broker;
  /** Every log line so far, as "level: text". */
  log: string[];
  /** Resolves with the `nth` log line matching `re` (the first by default), waiting up to `timeoutMs`. */
  waitForLog(re: RegExp, timeoutMs?: number, nth?: number): Promise<string>;
  close(): Promise<void>;
}

export interface TestBrokerOptions {
  limits?: Partial<BrokerLimits>;
  settings?: Partial<ListenerSettings>;
  sysInterval?: number;
  auth?: BrokerOptions['auth'];
  connectionMessages?: boolean;
  checkRetainSource?: boolean;
  durable?: BrokerOptions['durable'];
  /** The broker's timers and time: a FakeClock lets a test move it on instead of waiting. */
  clock?: BrokerOptions['clock'];
  /** The listener's security section, as mosquitto.conf would give it (password_file, plugin...). */
  security?: SecuritySection;
  /** Started once the listener is open, as mqt serve starts its bridges. */
  attach?: ServerHooks['attach'];
}

/** The BrokerOptions of a test broker: the defaults, with what the test sets. */
export function testBrokerOptions(options: TestBrokerOptions): BrokerOptions {
  return {
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    sysInterval: options.sysInterval ?? 0,
    version: 'mqt version test',
    auth: options.auth,
    ...(options.connectionMessages === undefined ? {} : { connectionMessages: options.connectionMessages }),
    ...(options.durable === undefined ? {} : { durable: options.durable }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.checkRetainSource === undefined ? {} : { checkRetainSource: options.checkRetainSource }),
  };
}

/** One listener on 127.0.0.1 and an ephemeral port, logging to memory, started as mqt serve starts. */
function testServeConfig(options: TestBrokerOptions): ServeConfig {
  return {
    listeners: [
      {
        port: 0,
        bindAddress: '127.0.0.1',
        protocol: 'mqtt',
        settings: { allowAnonymous: true, maxConnections: -1, ...options.settings },
        ...(options.security === undefined ? {} : { security: options.security }),
      },
    ],
    brokerOptions: testBrokerOptions(options),
    logging: { destinations: [], types: [], timestamps: false, connectionMessages: options.connectionMessages ?? true },
    localOnly: false,
    tcpNoDelay: false,
    notes: [],
  };
}

/** A Broker started through startServer, as serve starts it, on 127.0.0.1 and an ephemeral port. */
export function startTestBroker(options: TestBrokerOptions = {}): Promise<TestBroker> {
  return startServerInMemory(testServeConfig(options), options.attach);
}

/**
 * The broker `mqt serve -c FILE` starts, started in this process (for tests about its clients):
 * the config file `lines(port)`, written into `dir`, on a port free a moment ago (another one if
 * it was taken since), with its bridges. Its log is kept in memory.
 */
export async function startConfBroker(dir: string, lines: (port: number) => string[]): Promise<TestBroker> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const file = join(dir, `broker-${port}.conf`);
    await writeFile(file, `${lines(port).join('\n')}\n`);
    const settings = { ports: [], unixPaths: [], wsPorts: [], verbose: false, configFile: file, version: 'mqt version test' };
    try {
      const config = buildServeConfig(readMosquittoConf(file), settings);
      const bridges = config.bridges ?? [];
      return await startServerInMemory(config, bridges.length === 0 ? undefined : (broker) => startBridges(bridges, broker));
    } catch (err) {
      if (attempt === 3 || !(err instanceof MqttError && err.remedy?.kind === 'port-in-use')) throw err;
    }
  }
}

async function startServerInMemory(config: ServeConfig, attach?: ServerHooks['attach']): Promise<TestBroker> {
  const log: string[] = [];
  const waiters = new Set<() => void>();
  const memoryLog: ServerLog = {
    log(level: LogLevel, text: string) {
      log.push(`${level}: ${text}`);
      for (const waiter of [...waiters]) waiter();
    },
    reopen: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
  const server = await startServer(config, { openLog: () => Promise.resolve(memoryLog), showStartup: () => true, ...(attach === undefined ? {} : { attach }) });
  return {
    port: server.endpoints[0]!.port,
    broker: server.broker,
    log,
    waitForLog(re, timeoutMs = 5000, nth = 1) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const line = log.filter((l) => re.test(l))[nth - 1];
          if (line === undefined) return false;
          waiters.delete(onLog);
          clearTimeout(timer);
          resolve(line);
          return true;
        };
        const onLog = (): void => {
          check();
        };
        const timer = setTimeout(() => {
          waiters.delete(onLog);
          reject(new Error(`${String(re)} not logged within ${timeoutMs} ms; log:\n${log.slice(-30).join('\n')}`));
        }, timeoutMs);
        waiters.add(onLog);
        check();
      });
    },
    close: () => server.close(),
  };
}
