import { freePort } from './ports.js';
import { startMqt, type ToolHandle } from './spawn.js';

export interface RunningServe {
  port: number;
  tool: ToolHandle;
  /** `-h 127.0.0.1 -p PORT` for the clients. */
  hp: string[];
}

/** The line mqt serve logs once every listener is open (with -c or -v). */
export const RUNNING = /mqt version \S+ running$/m;
/** The one line the quick mode (no -c, no -v) prints on stdout. */
export const LISTENING = /^mqt serve: listening on .*$/m;

/**
 * Starts `mqt serve ARGS` with `argsFor(port)` on a free port and resolves once it says it is
 * ready (`ready` on stdout or stderr). The port is free when chosen but may be taken before serve
 * binds it: a start that fails with "Address already in use" is retried on another port.
 */
export async function startServe(argsFor: (port: number) => string[], ready: RegExp = RUNNING): Promise<RunningServe> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const tool = startMqt(['serve', ...argsFor(port)]);
    try {
      await tool.waitForOutput(ready, 5000);
      return { port, tool, hp: ['-h', '127.0.0.1', '-p', String(port)] };
    } catch (err) {
      tool.kill('SIGKILL');
      await tool.exited;
      if (attempt === 3 || !tool.stderr.includes('Address already in use')) throw err;
    }
  }
}
