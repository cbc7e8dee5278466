import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { mqtInProcess } from '../support/in-process.js';
import { requireMosquitto } from '../support/mosquitto.js';
import { runTool, which } from '../support/spawn.js';

const firstLine = (text: string): string => text.split('\n').find((l) => l !== '') ?? '';

/** A broker that answers every CONNECT with `connack` and nothing more. */
async function refusingBroker(connack: number[]): Promise<Server> {
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => socket.end(Buffer.from(connack)));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

/**
 * MQTT 5 refusals in mosquitto's clients' words, side by side: mosquitto_reason_string()'s texts
 * (capitals and all), and the advice after "Unsupported Protocol Version", which is also what a
 * 3.1.1-only broker's CONNACK 1 means to an MQTT 5 client.
 */
describe('interop: MQTT 5 CONNACK refusals, as mosquitto_pub, mosquitto_sub and mosquitto_rr print them', function () {
  this.timeout(20_000);
  before(function () {
    requireMosquitto(this);
  });

  const cases = [
    { name: 'a 3.1.1 broker refusing the protocol level (CONNACK 1)', connack: [0x20, 2, 0, 1] },
    { name: 'Unsupported Protocol Version (0x84)', connack: [0x20, 3, 0, 0x84, 0] },
    { name: 'Bad User Name or Password (0x86)', connack: [0x20, 3, 0, 0x86, 0] },
    { name: 'Client Identifier not valid (0x85)', connack: [0x20, 3, 0, 0x85, 0] },
  ];
  const tools = [
    { tool: 'pub', args: ['-t', 't', '-m', 'x'] },
    { tool: 'sub', args: ['-t', 't'] },
    { tool: 'rr', args: ['-t', 't', '-e', 'r', '-m', 'x'] },
  ];
  for (const { name, connack } of cases) {
    it(`${name}: the same line and exit code from pub, sub and rr`, async () => {
      const server = await refusingBroker(connack);
      try {
        const base = ['-h', '127.0.0.1', '-p', String((server.address() as AddressInfo).port), '-V', '5'];
        for (const { tool, args } of tools) {
          const theirs = await runTool(which(`mosquitto_${tool}`) ?? `mosquitto_${tool}`, [...base, ...args], { timeoutMs: 5000 });
          const ours = await mqtInProcess([tool, ...base, ...args], { mosquitto: true });
          assert.deepEqual({ code: ours.code, line: firstLine(ours.stderr) }, { code: theirs.code, line: firstLine(theirs.stderr) }, `mqt ${tool}`);
        }
      } finally {
        server.close();
      }
    });
  }
});
