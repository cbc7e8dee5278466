import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, runTool, which } from './spawn.js';
import { skipOrFail } from './tools.js';
import { makeTempFolder } from './run-folder.js';

/**
 * The two small C clients of shared/reference/cert-psk.md (Appendix A), built from
 * test/support/board-clients/: `mbedcli` checks a server the way an ESP32 does (arduino-esp32
 * 2.x, mbedTLS 2.28), `brcli` the way an ESP8266 does (BearSSL). Both send an MQTT CONNECT and
 * print one `RESULT …` line.
 */
export interface BoardClients {
  readonly mbed: string;
  readonly bear: string;
  readonly dir: string;
}

const SOURCES = join(ROOT, 'test', 'support', 'board-clients');
const BEARSSL_INCLUDE = '/usr/include/bearssl';

/** Call in a `before` hook; remove the returned folder in `after`. */
async function buildBoardClients(ctx: Mocha.Context): Promise<BoardClients> {
  const gcc = which('gcc') ?? which('cc');
  if (gcc === undefined) skipOrFail(ctx, 'the board-client tests need a C compiler (apt-get install gcc)');
  const dir = await makeTempFolder('mqt-board-clients');
  const builds: [string, string[]][] = [
    ['mbedcli', ['-lmbedtls', '-lmbedx509', '-lmbedcrypto']],
    ['brcli', [...(existsSync(BEARSSL_INCLUDE) ? [`-I${BEARSSL_INCLUDE}`] : []), '-lbearssl']],
  ];
  for (const [name, flags] of builds) {
    const result = await runTool(gcc, ['-O1', '-o', join(dir, name), join(SOURCES, `${name}.c`), ...flags], { timeoutMs: 60_000 });
    if (result.code !== 0) {
      await rm(dir, { recursive: true, force: true });
      skipOrFail(ctx, `${name}.c did not build (apt-get install libmbedtls-dev libbearssl-dev):\n${result.stderr.slice(0, 1500)}`);
    }
  }
  return { mbed: join(dir, 'mbedcli'), bear: join(dir, 'brcli'), dir };
}

/** Registers hooks that build the clients for a suite (or skip it) and remove them afterwards. */
export function useBoardClients(): () => BoardClients {
  let clients: BoardClients | undefined;
  before(async function () {
    clients = await buildBoardClients(this);
  });
  after(async () => {
    if (clients !== undefined) await rm(clients.dir, { recursive: true, force: true });
  });
  return () => {
    if (clients === undefined) throw new Error('the board clients were not built (before hook failed?)');
    return clients;
  };
}

/** Runs one client and returns its `RESULT …` line (or everything it printed, when there is none). */
export async function boardResult(binary: string, args: readonly string[]): Promise<string> {
  const result = await runTool(binary, args, { timeoutMs: 10_000 });
  return /^RESULT .*$/m.exec(result.stdout)?.[0] ?? `no RESULT line (exit ${String(result.code)}): ${result.stdout}${result.stderr}`;
}
