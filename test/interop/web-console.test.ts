import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { ListenerConfig, ServeConfig } from '../../src/lib/broker/config/types.js';
import { startServer, type Server } from '../../src/lib/broker/server.js';
import type { ListenerSettings } from '../../src/lib/broker/types.js';
import { serializePasswdFile, setPassword } from '../../src/lib/passwd/file.js';
import { hashPassword } from '../../src/lib/passwd/hash.js';
import { startChromium, type Browser } from '../support/browser.js';
import { requireMosquitto } from '../support/mosquitto.js';
import { makeTempFolder } from '../support/run-folder.js';
import { ROOT, SUBSCRIBED, mosquittoPub, startMosquittoSub, type ToolHandle } from '../support/spawn.js';
import { testBrokerOptions } from '../support/test-broker.js';

/** How long the page may take to show what the broker got: the "within a second". */
const SHOWN_WITHIN_MS = 1000;

/** Waits until the element's text is `text`: the page writes a row's cells on its own schedule, after the row appears. */
async function hasText(page: Page, selector: string, text: string): Promise<void> {
  await page.waitForFunction(([sel, want]) => document.querySelector(sel)?.textContent === want, [selector, text] as const);
}

/**
 * The web console in a real browser (headless Chromium through playwright-core) against mosquitto's
 * own clients: one in-process broker with a password_file and an acl_file, an MQTT listener for
 * mosquitto_pub and mosquitto_sub, a console without a login (as on 127.0.0.1) and one that asks
 * for it (as beyond this machine; the address decides that, and tests bind loopback only).
 */
describe('interop: the web console in Chromium', function () {
  this.timeout(30_000);
  let browser: Browser;
  let server: Server;
  const log: string[] = [];
  let mqttPort: number;
  let openUrl: string;
  let loginUrl: string;
  const subs: ToolHandle[] = [];

  before(async function () {
    requireMosquitto(this);
    browser = await startChromium(this);
    const dir = await makeTempFolder('web-console');
    let lines = setPassword([], 'teacher', hashPassword('chalk', 'sha512-pbkdf2')).lines;
    lines = setPassword(lines, 'student', hashPassword('pencil', 'sha512-pbkdf2')).lines;
    await writeFile(join(dir, 'passwd'), serializePasswdFile(lines), { mode: 0o600 });
    // Anonymous clients (the console on this machine) may do anything; the student only lab/.
    await writeFile(join(dir, 'acl'), 'topic readwrite #\ntopic read $SYS/#\nuser teacher\ntopic readwrite #\nuser student\ntopic readwrite lab/#\n');
    server = await startServer(consoleConfig(join(dir, 'passwd'), join(dir, 'acl')), {
      openLog: () => Promise.resolve({ log: (level, text) => log.push(`${level}: ${text}`), reopen: () => Promise.resolve(), close: () => Promise.resolve() }),
      showStartup: () => true,
    });
    const [mqtt, open, login] = server.endpoints;
    mqttPort = mqtt!.port;
    openUrl = `http://127.0.0.1:${open!.port}/`;
    loginUrl = `http://127.0.0.1:${login!.port}/`;
  });

  after(async () => {
    for (const sub of subs) sub.kill();
    await browser?.close();
    await server?.close();
  });

  const pub = async (args: string[]): Promise<void> => {
    const result = await mosquittoPub(['-p', String(mqttPort), '-u', 'teacher', '-P', 'chalk', '-q', '1', ...args]);
    assert.equal(result.code, 0, result.stderr);
  };
  /** mosquitto_sub -d, once its SUBACK is back. */
  const sub = async (clientId: string, args: string[]): Promise<ToolHandle> => {
    const tool = startMosquittoSub(['-d', '-p', String(mqttPort), '-u', 'teacher', '-P', 'chalk', '-i', clientId, ...args]);
    subs.push(tool);
    await tool.waitForOutput(SUBSCRIBED, 5000);
    return tool;
  };
  const opened = async (url: string): Promise<Page> => {
    const page = await browser.page();
    await page.goto(url);
    return page;
  };
  const connected = (page: Page): Promise<unknown> => page.waitForSelector('#status:text-matches("^Connected as")');

  it('shows a topic published by mosquitto_pub within a second with its marks; its view, the subscribe box and the filter', async () => {
    const page = await opened(openUrl);
    await connected(page);
    await pub(['-t', 'lab/bench1/temperature', '-m', '21.5', '-r']);
    await page.waitForSelector('.row[data-topic="lab"]', { timeout: SHOWN_WITHIN_MS });
    await page.click('.row[data-topic="lab"] .toggle');
    await page.click('.row[data-topic="lab/bench1"] .toggle');
    const rowSelector = '.row[data-topic="lab/bench1/temperature"]';
    const row = page.locator(rowSelector);
    await hasText(page, `${rowSelector} .count`, '1');
    await hasText(page, `${rowSelector} .marks`, 'R Q1');
    await hasText(page, `${rowSelector} .payload`, '21.5');
    // A numeric topic's view lists its messages and charts them.
    await row.locator('.name').click();
    await pub(['-t', 'lab/bench1/temperature', '-m', '{"celsius": 22}']);
    await page.waitForSelector('#topic-messages li:nth-child(2)');
    await page.selectOption('#payload-format', 'json');
    await page.waitForFunction(() => document.querySelector('#topic-messages pre')?.textContent === '{\n  "celsius": 22\n}');
    // MQTT 5 properties are listed with the message.
    await pub(['-V', 'mqttv5', '-D', 'publish', 'user-property', 'room', 'B12', '-D', 'publish', 'content-type', 'text/plain', '-t', 'lab/bench1/temperature', '-m', '23']);
    await page.waitForSelector('#topic-messages li:first-child .props:text-is("User Property: room=B12, Content Type: text/plain")');
    await page.waitForSelector('#topic-chart:visible');
    // The subscribe box takes wildcards; once # is dropped, only hall/+ comes.
    await page.fill('#subscribe-filter', 'hall/+');
    await page.click('#subscribe-form button[type=submit]');
    await page.waitForSelector('#filters button[data-filter="hall/+"]');
    await page.click('#filters button[data-filter="#"]');
    await page.waitForSelector('#filters button[data-filter="#"]', { state: 'detached' });
    await pub(['-t', 'lab/bench1/temperature', '-m', '99']);
    await pub(['-t', 'hall/window', '-m', 'open']);
    await page.waitForSelector('.row[data-topic="hall"]');
    await hasText(page, `${rowSelector} .count`, '3');
    // The filter keeps the matching topics and their parents only.
    await page.fill('#tree-filter', 'bench');
    await page.waitForSelector('.row[data-topic="hall"]', { state: 'detached' });
    assert.ok(await page.isVisible('.row[data-topic="lab/bench1/temperature"]'));
    await page.close();
  });

  it('publishes from the form (QoS 1, a user property) to mosquitto_sub', async () => {
    const watcher = await sub('form-watcher', ['-V', 'mqttv5', '-q', '1', '-t', 'lab/from-page', '-C', '1', '-F', '%t %q %P %p']);
    const page = await opened(openUrl);
    await connected(page);
    await page.fill('#publish-topic', 'lab/from-page');
    await page.fill('#publish-payload', 'hello from the browser');
    await page.selectOption('#publish-qos', '1');
    await page.click('#publish-form details summary');
    await page.fill('#publish-user-properties', 'room=B12');
    await page.click('#publish-form button[type=submit]');
    const result = await watcher.waitForExit(5000);
    assert.match(result.stdout, /\nlab\/from-page 1 room:B12 hello from the browser\n/);
    await page.close();
  });

  it('lists a connected mosquitto_sub in the broker view, and an admin disconnects it', async () => {
    await sub('watcher-b12', ['-t', 'lab/#', '-q', '1', '-k', '42']);
    const page = await opened(openUrl);
    await connected(page);
    await page.click('#broker-tab');
    const row = page.locator('tr[data-client-id="watcher-b12"]');
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    assert.deepEqual(cells.slice(0, 8), ['watcher-b12', 'teacher', cells[2], 'MQTT 3.1.1', '42 s', 'lab/# (Q1)', '0', '0']);
    assert.match(cells[2]!, /^127\.0\.0\.1:\d+$/);
    assert.ok((await page.textContent('#listeners'))!.includes('(this console)'));
    await row.locator('button').click();
    await page.waitForSelector('#status:text-is("Disconnected watcher-b12.")');
    assert.ok(log.includes('notice: Client watcher-b12 been disconnected by administrative action.'), log.join('\n'));
    await page.close();
  });

  it('beyond this machine asks for a login first, and a student sees no topic the ACL denies', async () => {
    const page = await opened(loginUrl);
    await page.waitForSelector('#login-form:visible');
    assert.equal(await page.isVisible('#app'), false);
    // Nothing of the API answers without a login.
    assert.equal(await page.evaluate(async () => (await fetch('/api/broker')).status), 401);
    await page.fill('#login-user', 'student');
    await page.fill('#login-password', 'wrong');
    await page.click('#login-form button');
    await page.waitForSelector('#login-error:text-is("unknown user or wrong password")');
    await page.fill('#login-password', 'pencil');
    await page.click('#login-form button');
    await connected(page);
    assert.equal(await page.textContent('#user'), 'student');
    // QoS 1: each is routed before mosquitto_pub exits, so lab/ok arriving means secret/plan was handled.
    await pub(['-t', 'secret/plan', '-m', 'exam answers']);
    await pub(['-t', 'lab/ok', '-m', 'fine']);
    await page.waitForSelector('.row[data-topic="lab"]');
    assert.equal(await page.locator('.row[data-topic="secret"]').count(), 0);
    // Retained topics the student may not read are not sent either (lab/bench1/temperature is readable).
    await page.fill('#tree-filter', 'bench1');
    await page.waitForSelector('.row[data-topic="lab/bench1/temperature"]');
    await page.close();
  });
});

/** The broker: MQTT on 127.0.0.1, the console open on 127.0.0.1, and a console behind a login. */
function consoleConfig(passwordFile: string, aclFile: string): ServeConfig {
  const security = { passwordFile, aclFile };
  const settings = (allowAnonymous: boolean): ListenerSettings => ({ allowAnonymous, maxConnections: -1 });
  const assetsDir = join(ROOT, 'dist', 'web');
  const listeners: ListenerConfig[] = [
    { port: 0, bindAddress: '127.0.0.1', protocol: 'mqtt', settings: settings(false), security },
    { port: 0, bindAddress: '127.0.0.1', protocol: 'websockets', settings: settings(true), security, console: { loginRequired: false, assetsDir } },
    { port: 0, bindAddress: '127.0.0.1', protocol: 'websockets', settings: settings(false), security, console: { loginRequired: true, assetsDir } },
  ];
  return {
    listeners,
    brokerOptions: testBrokerOptions({ sysInterval: 1 }),
    logging: { destinations: [], types: [], timestamps: false, connectionMessages: true },
    localOnly: false,
    tcpNoDelay: false,
    notes: [],
  };
}
