import assert from 'node:assert/strict';
import type { PacketOf } from '../../src/lib/protocol/packets.js';
import { ScriptedServer } from '../support/scripted-server.js';
import { MQT_BIN, runTool, type ToolResult } from '../support/spawn.js';

/**
 * Arguments that are not UTF-8, as a shell passes them (Node's argv turns such bytes into U+FFFD;
 * mqt reads them back from /proc/self/cmdline): a topic is refused as mosquitto refuses it, a -m
 * payload goes out byte for byte. A received topic that is not UTF-8 ends the session.
 */
describe('interop: arguments and topics that are not UTF-8', function () {
  this.timeout(20_000);

  /** Runs `PROGRAM ARGS` through sh, where ARGS may hold printf escapes such as \377. */
  function shell(program: string, args: string): Promise<ToolResult> {
    return runTool('sh', ['-c', `exec ${program} ${args}`], { timeoutMs: 10_000 });
  }
  const mqt = (args: string): Promise<ToolResult> => shell(`'${process.execPath}' '${MQT_BIN}'`, args);
  const bad = `"$(printf 'a\\377b')"`;

  for (const [command, args, flag] of [
    ['pub', `-t ${bad} -m x`, '-t'],
    ['pub', `-t ok -m x --will-topic ${bad} --will-payload w`, '--will-topic'],
    ['sub', `-t ${bad}`, '-t'],
    ['sub', `-t ok -T ${bad}`, '-T'],
    ['sub', `-t ok -U ${bad}`, '-U'],
    ['rr', `-t ok -e ${bad} -m x`, '-e'],
  ] as const) {
    it(`${command} ${args.replace(bad, '$BAD')}: "Malformed UTF-8 in ${flag} argument.", exit 1`, async () => {
      const result = await mqt(`${command} -p 1 ${args}`);
      assert.equal(result.stderr, `Error: Malformed UTF-8 in ${flag} argument.\nUse 'mqt ${command} --help' to see usage.\n`);
      assert.equal(result.code, 1);
    });
  }

  it("mosquitto_pub refuses the same -t with the same first line", async () => {
    const result = await shell('mosquitto_pub', `-p 1 -t ${bad} -m x`);
    assert.equal(result.stderr.split('\n')[0], 'Error: Malformed UTF-8 in -t argument.');
    assert.equal(result.code, 1);
  });

  /** The PUBLISH that `mqt pub -p PORT ARGS` sends to a scripted broker, and how mqt exits. */
  async function published(args: string): Promise<{ publish: PacketOf<'publish'>; code: number | null }> {
    const server = new ScriptedServer(4);
    try {
      const port = await server.listen();
      const running = mqt(`pub -p ${port} ${args}`);
      const peer = await server.nextPeer();
      await peer.next('connect');
      peer.send({ type: 'connack', sessionPresent: false, reasonCode: 0 });
      const publish = await peer.next('publish');
      return { publish, code: (await running).code };
    } finally {
      await server.close();
    }
  }

  it('a topic holding a real U+FFFD (valid UTF-8) is accepted', async () => {
    const { publish, code } = await published(`-t "$(printf 'ok\\357\\277\\275')" -m x`);
    assert.deepEqual([publish.topic, code], ['ok\uFFFD', 0]);
  });

  it('pub -m with bytes that are not UTF-8 publishes them unchanged, as mosquitto_pub does', async () => {
    const { publish, code } = await published(`-t t -m "$(printf 'x\\376\\377y')"`);
    assert.deepEqual([publish.payload, code], [Buffer.from([0x78, 0xfe, 0xff, 0x79]), 0]);
  });
});
