/** Small helpers the benchmark scripts share: statistics, ports, timing whole processes. */
import { spawn, spawnSync } from 'node:child_process';
import { connect } from 'node:net';

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export { freePort } from '../test/support/ports.js';

/** Resolves once something accepts TCP connections on 127.0.0.1:port; gives up after `limitMs`. */
export async function waitForListener(port: number, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after ${limitMs} ms`);
}

/** Wall time of one whole process, in ms; throws when it fails or outlives `limitMs`. */
export function timeProcess(cmd: string, args: string[], input?: Buffer, limitMs = 60_000): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(cmd, args, { input, stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'], timeout: limitMs });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${result.status}: ${result.stderr.toString()}`);
  return ms;
}

export function report(name: string, mqt: number, reference: number, unit: string, goal: string, higherIsBetter: boolean): void {
  const ratio = mqt / reference;
  console.log(
    `${name.padEnd(44)} mqt ${mqt.toFixed(1).padStart(9)} ${unit}   reference ${reference.toFixed(1).padStart(9)} ${unit}   ` +
      `ratio ${ratio.toFixed(2)} (goal ${goal}${higherIsBetter ? ', higher is better' : ', lower is better'})`,
  );
}

/**
 * Runs one process to its end without blocking this one, so the pipes of the processes this one
 * reads (mosquitto_sub counters) keep draining meanwhile; rejects when it fails or outlives `limitMs`.
 */
export function runProcess(cmd: string, args: string[], input: Buffer, limitMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'ignore', 'pipe'], ...(signal === undefined ? {} : { signal, killSignal: 'SIGKILL' as const }) });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(killer);
      if (code === 0) resolve();
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code ?? 'on a signal'}: ${stderr}`));
    });
    child.stdin.end(input);
  });
}
