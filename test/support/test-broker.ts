import { createServer, type Server, type Socket } from 'node:net';
import { Broker } from '../../src/lib/broker/broker.js';
import { DEFAULT_LIMITS, type BrokerLimits, type BrokerOptions, type ListenerInfo, type ListenerSettings, type LogLevel } from '../../src/lib/broker/types.js';

export interface TestBroker {
  port: number;
  broker: Broker;
  /** Every log line so far, as "level: text". */
  log: string[];
  /** Resolves with the first log line matching `re`, waiting up to `timeoutMs`. */
  waitForLog(re: RegExp, timeoutMs?: number): Promise<string>;
  close(): Promise<void>;
}

export interface TestBrokerOptions {
  limits?: Partial<BrokerLimits>;
  settings?: Partial<ListenerSettings>;
  sysInterval?: number;
  auth?: BrokerOptions['auth'];
  connectionMessages?: boolean;
  durable?: BrokerOptions['durable'];
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
  };
}

/** A Broker behind a net.Server on 127.0.0.1 and an ephemeral port, as serve would run it. */
export async function startTestBroker(options: TestBrokerOptions = {}): Promise<TestBroker> {
  const broker = new Broker(testBrokerOptions(options));
  const log: string[] = [];
  const waiters = new Set<() => void>();
  broker.on('log', (level: LogLevel, text: string) => {
    log.push(`${level}: ${text}`);
    for (const waiter of [...waiters]) waiter();
  });
  const sockets = new Set<Socket>();
  const server: Server = createServer();
  const listener: ListenerInfo = {
    port: 0,
    address: '127.0.0.1',
    key: '0 127.0.0.1',
    protocol: 'mqtt',
    settings: { allowAnonymous: true, maxConnections: -1, ...options.settings },
  };
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    broker.handleConnection(socket, { remoteAddress: socket.remoteAddress ?? '', remotePort: socket.remotePort ?? 0, listener });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  listener.port = address.port;
  return {
    port: address.port,
    broker,
    log,
    waitForLog(re, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const line = log.find((l) => re.test(l));
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
    async close() {
      await broker.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
