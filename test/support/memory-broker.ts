import assert from 'node:assert/strict';
import { Broker } from '../../src/lib/broker/broker.js';
import type { ListenerInfo, LogLevel } from '../../src/lib/broker/types.js';
import type { ProtocolVersion } from '../../src/lib/protocol/constants.js';
import type { ConnackPacket } from '../../src/lib/protocol/packets.js';
import type { ConnectFields } from './broker-suite.js';
import { FakeClock } from './fake-clock.js';
import { memoryPair } from './memory-pair.js';
import { RawClient } from './raw-client.js';
import { testBrokerOptions, type TestBrokerOptions } from './test-broker.js';

/** A Broker in this process on a FakeClock, its clients joined to it by in-memory pairs: no ports, no real time. */
export interface MemoryBroker {
  broker: Broker;
  clock: FakeClock;
  /** The listener its connections come in on. */
  listener: ListenerInfo;
  /** Every log line so far, as "level: text". */
  log: string[];
  /** Whether a log line matches `re` yet. */
  logged(re: RegExp): boolean;
  /** Resolves with the first log line matching `re`, once the broker has logged it. */
  waitForLog(re: RegExp): Promise<string>;
  /** A raw client's CONNECT and the CONNACK, whatever it says. */
  connect(fields: ConnectFields, version?: ProtocolVersion): Promise<{ client: RawClient; connack: ConnackPacket }>;
  /** A raw client whose CONNECT was accepted. */
  client(fields: ConnectFields, version?: ProtocolVersion): Promise<RawClient>;
}

/** Registers the hooks of a suite of in-memory brokers: each test's broker and clients are closed after it. */
export function useMemoryBroker(): (options?: TestBrokerOptions) => MemoryBroker {
  const brokers: Broker[] = [];
  const clients: RawClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await Promise.all(brokers.splice(0).map((b) => b.close()));
  });
  return (options = {}) => {
    const clock = new FakeClock();
    const broker = new Broker({ ...testBrokerOptions(options), clock });
    brokers.push(broker);
    const log: string[] = [];
    broker.on('log', (level: LogLevel, text: string) => log.push(`${level}: ${text}`));
    const waitForLog = (re: RegExp): Promise<string> =>
      new Promise((resolve) => {
        const check = (): boolean => {
          const line = log.find((l) => re.test(l));
          if (line !== undefined) resolve(line);
          return line !== undefined;
        };
        if (check()) return;
        const onLog = (): void => {
          if (check()) broker.off('log', onLog);
        };
        broker.on('log', onLog);
      });
    const listener: ListenerInfo = {
      port: 1883,
      address: '127.0.0.1',
      key: '1883 127.0.0.1',
      protocol: 'mqtt',
      settings: { allowAnonymous: true, maxConnections: -1, ...options.settings },
    };
    let nextPort = 40000;
    const connect: MemoryBroker['connect'] = async (fields, version = 4) => {
      const [near, far] = memoryPair();
      broker.handleConnection(far, { remoteAddress: '127.0.0.1', remotePort: nextPort++, listener });
      const client = RawClient.over(near, version);
      clients.push(client);
      client.send({ type: 'connect', protocolVersion: version, clean: true, keepalive: 60, ...fields });
      return { client, connack: await client.next('connack') };
    };
    return {
      broker,
      clock,
      listener,
      log,
      logged: (re) => log.some((line) => re.test(line)),
      waitForLog,
      connect,
      client: async (fields, version = 4) => {
        const { client, connack } = await connect(fields, version);
        assert.equal(connack.reasonCode, 0, `CONNECT of ${fields.clientId} refused`);
        return client;
      },
    };
  };
}
