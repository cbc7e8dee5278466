import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { unique } from '../support/hooks.js';
import { requireMosquitto, startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { freePort } from '../support/ports.js';
import { mqtInProcess } from '../support/in-process.js';
import { MQT_BIN, mosquittoPub, runTool, stopAllTools, type ToolResult } from '../support/spawn.js';
import { makeTempFolder } from '../support/run-folder.js';

interface Printed {
  mosquittoConf: string[];
  test: string;
}

/**
 * The test line that gen-ca or gen-psk prints, run by a shell as printed, except: `mqt` is this
 * checkout's, the port is the test broker's, and `-C 1 -W 5` makes it stop after one message.
 */
function runPrinted(line: string, printedPort: number, port: number): Promise<ToolResult> {
  assert.match(line, /^mqt sub /);
  assert.equal(line.split(` -p ${printedPort} `).length, 2, line);
  const command = line.replace(/^mqt /, `'${process.execPath}' '${MQT_BIN}' `).replace(` -p ${printedPort} `, ` -p ${port} `);
  return runTool('/bin/sh', ['-c', `${command} -C 1 -W 5`], { timeoutMs: 15_000 });
}

/** The printed listener lines, on our port and address. */
function onPort(lines: readonly string[], port: number): string[] {
  return lines.map((l) => (l.startsWith('listener ') ? `listener ${port} 127.0.0.1` : l));
}

/** gen-ca's and gen-psk's printed test lines connect, as printed, to a mosquitto set up with their printed lines. */
describe('interop: the test lines gen-ca and gen-psk print', function () {
  this.timeout(90_000);
  let dir: string;
  let broker: Mosquitto | undefined;
  let caOnly: Printed;
  let withClient: Printed;
  let psk: Printed;
  const port = { tls: 0, mutual: 0, psk: 0 };

  before(async function () {
    requireMosquitto(this);
    dir = await makeTempFolder('mqt-tls-gen');
    const certs = join(dir, 'certs');
    const made = async (args: string[]): Promise<Printed> => {
      const result = await mqtInProcess([...args, '--json']);
      assert.equal(result.code, 0, result.stderr);
      return JSON.parse(result.stdout) as Printed;
    };
    caOnly = await made(['gen-ca', '--out', certs]);
    withClient = await made(['gen-ca', '--out', certs, '--client', 'device1']);
    psk = await made(['gen-psk', 'dev1', '--file', join(dir, 'psk.txt')]);
    for (const key of Object.keys(port) as (keyof typeof port)[]) port[key] = await freePort();
    broker = await startMosquitto([
      'per_listener_settings false',
      ...onPort(caOnly.mosquittoConf, port.tls),
      ...onPort(withClient.mosquittoConf, port.mutual),
      ...onPort(psk.mosquittoConf, port.psk),
    ]);
    const retained = await mosquittoPub(['-h', '127.0.0.1', '-p', String(broker.port), '-t', 'gen/retained', '-m', 'hello', '-r']);
    assert.equal(retained.code, 0, retained.stderr);
  });
  afterEach(() => stopAllTools());
  after(async () => {
    await broker?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  const receivedHello = (result: ToolResult): void => {
    assert.equal(result.code, 0, `${result.stdout}${result.stderr}`);
    assert.match(result.stdout, /^hello$/m);
    assert.match(result.stdout, /^Client \S+ received CONNACK \(0\)$/m);
  };

  it("gen-ca's line (mqt sub --cafile ca.crt -h localhost -p 8883 ...) connects to the listener it printed", async () => {
    assert.match(caOnly.test, /^mqt sub --cafile \S+ca\.crt -h localhost -p 8883 -t '#' -d$/);
    receivedHello(await runPrinted(caOnly.test, 8883, port.tls));
  });

  it("gen-ca's line with a client certificate logs in as the client's name under require_certificate", async () => {
    assert.match(withClient.test, / --cert \S+device1\.crt --key \S+device1\.key$/);
    receivedHello(await runPrinted(withClient.test, 8883, port.mutual));
    assert.match(broker!.log(), /New client connected from 127\.0\.0\.1:\d+ as \S+ \(.*u'device1'\)/);
  });

  it("gen-ca's certificate is accepted by IP too: mqt pub -h 127.0.0.1 with its CA and client files", async () => {
    const cafile = /--cafile (\S+)/.exec(withClient.test)![1]!;
    const [cert, key] = [/--cert (\S+)/.exec(withClient.test)![1]!, /--key (\S+)/.exec(withClient.test)![1]!];
    const id = unique('gen-ca-ip');
    const result = await mqtInProcess(['pub', '--cafile', cafile, '--cert', cert, '--key', key, '-h', '127.0.0.1', '-p', String(port.mutual), '-i', id, '-t', 'gen/ip', '-m', 'x', '-q', '1']);
    assert.equal(result.code, 0, result.stderr);
  });

  it("gen-psk's line (mqt sub --psk KEY --psk-identity dev1 -h localhost -p 8884 ...) connects as dev1", async () => {
    assert.match(psk.test, /^mqt sub --psk [0-9a-f]{32} --psk-identity dev1 -h localhost -p 8884 -t '#' -d$/);
    receivedHello(await runPrinted(psk.test, 8884, port.psk));
    assert.match(broker!.log(), /New client connected from 127\.0\.0\.1:\d+ as \S+ \(.*u'dev1'\)/);
  });
});
