// The web console under load: 1,000 topics, each published 10 times a second by `mqt bench`, shown
// all at once in headless Chromium (the filter lists every row); prints the page's frame times and
// how many messages it took in. Needs `npm run build` and Debian's chromium.
// Usage: node scripts/console-load.mjs [SECONDS]
/* global document, performance, PerformanceObserver, requestAnimationFrame -- page.evaluate's function runs in the page */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { launchChromium, printed } from './console-browser.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const seconds = Number(process.argv[2] ?? 10);
const TOPICS = 1000;
const RATE = 10;
const port = 20_000 + Math.floor(Math.random() * 10_000);
const webPort = port + 1;
const mqt = (args) => spawn(process.execPath, [join(root, 'bin', 'mqt.cjs'), ...args], { stdio: ['ignore', 'pipe', 'ignore'] });

const serve = mqt(['serve', '-p', String(port), '--web', String(webPort)]);
const profile = mkdtempSync(join(tmpdir(), 'mqt-console-load-'));
let bench;
let context;
try {
  await printed(serve, /web console at/);
  context = await launchChromium(profile, {
    viewport: { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${webPort}/`);
  await page.waitForSelector('#status:text-matches("^Connected as")');
  await page.fill('#tree-filter', 'load/');
  bench = mqt(['bench', 'pub', '-p', String(port), '-c', String(TOPICS), '--rate', `${RATE}/conn`, '-t', 'load/%i', '-d', String(seconds + 15), '--ramp', '1000']);
  // Measure once every topic has a row.
  await page.waitForFunction((n) => document.querySelectorAll('.row').length >= n, TOPICS, { timeout: 30_000, polling: 500 });
  const result = await page.evaluate(async (ms) => {
    const count = () => Number(/(\d+) messages/.exec(document.getElementById('totals').textContent)?.[1] ?? 0);
    const longTasks = [];
    const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => e.duration)));
    observer.observe({ type: 'longtask', buffered: false });
    const gaps = [];
    const before = count();
    const start = performance.now();
    await new Promise((resolve) => {
      let last = start;
      const frame = (now) => {
        gaps.push(now - last);
        last = now;
        if (now - start < ms) requestAnimationFrame(frame);
        else resolve();
      };
      requestAnimationFrame(frame);
    });
    observer.disconnect();
    gaps.sort((a, b) => a - b);
    const at = (q) => gaps[Math.min(gaps.length - 1, Math.floor(q * gaps.length))];
    return { frames: gaps.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: gaps[gaps.length - 1], longTasks: longTasks.length, longestTask: Math.max(0, ...longTasks), perSecond: ((count() - before) * 1000) / ms, rows: document.querySelectorAll('.row').length };
  }, seconds * 1000);
  const ms = (n) => `${n.toFixed(1)} ms`;
  process.stdout.write(`${result.rows} rows shown, ${Math.round(result.perSecond)} messages/s taken in by the page (${TOPICS * RATE} published)\n`);
  process.stdout.write(`frames: ${result.frames} in ${seconds} s; frame time p50 ${ms(result.p50)}, p95 ${ms(result.p95)}, p99 ${ms(result.p99)}, max ${ms(result.max)}\n`);
  process.stdout.write(`long tasks (> 50 ms): ${result.longTasks}, longest ${ms(result.longestTask)}\n`);
} finally {
  bench?.kill();
  await context?.close();
  serve.kill();
  rmSync(profile, { recursive: true, force: true });
}
