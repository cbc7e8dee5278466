// Makes the README's pictures of the web console (doc/console-*.png): a classroom's broker with a
// few benches publishing, shown in headless Chromium. Needs `npm run build` and Debian's chromium.
// Usage: node scripts/screenshots.mjs
/* global document -- page.waitForFunction's function runs in the page */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { launchChromium, printed } from './console-browser.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'doc');
const work = mkdtempSync(join(tmpdir(), 'mqt-screenshots-'));
const port = 20_000 + Math.floor(Math.random() * 10_000);
const webPort = port + 1;
const children = [];
const mqt = (args, stdin = 'ignore') => {
  const child = spawn(process.execPath, [join(root, 'bin', 'mqt.cjs'), ...args], { stdio: [stdin, 'pipe', 'ignore'] });
  children.push(child);
  return child;
};
/** A publisher that sends each value written to it, one line each, on `topic`. */
const publisher = (topic, extra = []) => {
  const child = mqt(['pub', '-p', String(port), '-t', topic, '-l', ...extra], 'pipe');
  return (line) => child.stdin.write(`${line}\n`);
};

// $SYS every second, so the load charts have points after a few seconds.
writeFileSync(join(work, 'mqt.conf'), `listener ${port} 127.0.0.1\nallow_anonymous true\nsys_interval 1\nweb_console ${webPort}\n`);
const serve = mqt(['serve', '-c', join(work, 'mqt.conf')]);
let context;
try {
  await printed(serve, /web console at/);
  mkdirSync(out, { recursive: true });
  context = await launchChromium(join(work, 'profile'), { viewport: { width: 1280, height: 760 }, colorScheme: 'light' });
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${webPort}/`);
  await page.waitForSelector('#status:text-matches("^Connected as")');

  // Two students' subscribers, for the clients view.
  for (const [id, filter] of [
    ['bench3-display', 'lab/bench3/#'],
    ['teacher-laptop', 'lab/#'],
  ]) {
    const sub = mqt(['sub', '-p', String(port), '-i', id, '-t', filter, '-q', '1', '-k', '30']);
    sub.stdout.resume();
  }
  publisher('lab/door', ['-r'])('closed');
  publisher('lab/bench2/status', ['-r'])('{"led": "on", "button": false, "uptime_s": 5123}');
  publisher('lab/bench3/firmware', ['-r', '-q', '1'])('esp32-1.4.2');
  const benches = [1, 2, 3, 4].map((n) => [publisher(`lab/bench${n}/temperature`), publisher(`lab/bench${n}/humidity`)]);
  for (let step = 0; step < 40; step++) {
    benches.forEach(([temperature, humidity], n) => {
      temperature((21 + n * 0.4 + Math.sin(step / 5 + n) * 1.2).toFixed(1));
      if (step % 4 === 0) humidity(String(Math.round(45 + n * 3 + Math.cos(step / 7) * 4)));
    });
    await delay(150);
  }
  await page.waitForFunction(() => document.querySelectorAll('.row').length >= 2);
  for (const topic of ['lab', 'lab/bench2', 'lab/bench3']) await page.click(`.row[data-topic="${topic}"] .toggle`);
  await page.click('.row[data-topic="lab/bench3/temperature"] .name');
  await delay(300);
  await page.screenshot({ path: join(out, 'console-tree.png') });
  await page.locator('.detail-side').screenshot({ path: join(out, 'console-topic.png') });
  await page.click('#broker-tab');
  await page.waitForSelector('tr[data-client-id="teacher-laptop"]');
  await delay(500);
  await page.screenshot({ path: join(out, 'console-clients.png'), fullPage: true });
  process.stdout.write(`wrote ${['tree', 'topic', 'clients'].map((n) => `doc/console-${n}.png`).join(', ')}\n`);
} finally {
  await context?.close();
  for (const child of children) child.kill();
  rmSync(work, { recursive: true, force: true });
}
