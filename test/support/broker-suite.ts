import assert from 'node:assert/strict';
import type { ProtocolVersion } from '../../src/lib/protocol/constants.js';
import type { ConnackPacket, ConnectPacket } from '../../src/lib/protocol/packets.js';
import { RawClient } from './raw-client.js';
import { startTestBroker, type TestBroker, type TestBrokerOptions } from './test-broker.js';

export type ConnectFields = Partial<ConnectPacket> & { clientId: string };

export interface RawBrokerSuite {
  /** Starts this test's broker; it and every client opened through the suite are closed after the test. */
  start: (options?: TestBrokerOptions) => Promise<TestBroker>;
  /** The running broker. */
  broker: () => TestBroker;
  /** A raw client's CONNECT and the CONNACK, whatever it says. */
  connect: (fields: ConnectFields, version?: ProtocolVersion) => Promise<{ client: RawClient; connack: ConnackPacket }>;
  /** A raw client whose CONNECT was accepted. */
  client: (fields: ConnectFields, version?: ProtocolVersion) => Promise<RawClient>;
}

/** Registers the hooks of a suite that drives an in-process broker over raw sockets. */
export function useRawBroker(): RawBrokerSuite {
  let current: TestBroker | undefined;
  const open: RawClient[] = [];
  afterEach(async () => {
    for (const c of open.splice(0)) c.close();
    await current?.close();
    current = undefined;
  });
  const broker = (): TestBroker => {
    if (current === undefined) throw new Error('start() the broker first');
    return current;
  };
  const connect: RawBrokerSuite['connect'] = async (fields, version = 4) => {
    const result = await RawClient.connected(broker().port, fields, version);
    open.push(result.client);
    return result;
  };
  return {
    start: async (options = {}) => {
      await current?.close();
      current = await startTestBroker(options);
      return current;
    },
    broker,
    connect,
    client: async (fields, version = 4) => {
      const { client, connack } = await connect(fields, version);
      assert.equal(connack.reasonCode, 0, `CONNECT of ${fields.clientId} refused`);
      return client;
    },
  };
}
