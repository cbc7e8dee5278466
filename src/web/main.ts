/// <reference lib="dom" />
import type { ConsoleSession, LoginAnswer } from '../lib/broker/console/view-types.js';
import { BrokerPanel } from './broker-panel.js';
import type { IncomingPublish, QoS } from './codec.js';
import { byId, byIdAs, el, valueOf } from './dom.js';
import { MqttClient } from './mqtt-client.js';
import { TopicStore } from './topic-store.js';
import { TopicView } from './topic-view.js';
import { TreeView } from './tree-view.js';

/** The tree is redrawn at most this often: a busy broker changes it far more often than anyone reads. */
const FRAME_MS = 150;
/** The broker tab's numbers are asked for this often while it is shown. */
const BROKER_POLL_MS = 2000;
const TOKEN_KEY = 'mqt-console-token';
const DEFAULT_FILTERS = ['#', '$SYS/#'];
/** After the connection is lost (the broker restarted), the page connects again this much later. */
const RECONNECT_MS = 3000;

const store = new TopicStore();
const topicView = new TopicView();
const tree = new TreeView(byId('tree'), store, (node) => topicView.show(node));
let client: MqttClient | undefined;
const filters = new Set<string>();

function status(text: string): void {
  byId('status').textContent = text;
}

function token(): string | undefined {
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

function api(path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = {};
  const t = token();
  if (t !== undefined) headers['Authorization'] = `Bearer ${t}`;
  if (body === undefined) return fetch(path, { headers });
  headers['Content-Type'] = 'application/json';
  return fetch(path, { method: 'POST', headers, body: JSON.stringify(body) });
}

const brokerPanel = new BrokerPanel(api, status);

function showLogin(message: string): void {
  byId('login').hidden = false;
  byId('app').hidden = true;
  byId('login-error').textContent = message;
}

async function start(): Promise<void> {
  const session = (await (await api('/api/session')).json()) as ConsoleSession;
  if (session.user === null && token() !== undefined) sessionStorage.removeItem(TOKEN_KEY);
  if (session.loginRequired && session.user === null) return showLogin('');
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/mqtt`;
  const id = `mqt-console-${Math.random().toString(36).slice(2, 10)}`;
  try {
    client = await MqttClient.connect(url, id, { message: received, closed: lost }, session.user ?? undefined, session.user === null ? undefined : token());
  } catch (err) {
    if (session.loginPossible && session.user === null) return showLogin('The broker asks for a user name and password.');
    status(`${(err as Error).message}.`);
    return;
  }
  byId('login').hidden = true;
  byId('app').hidden = false;
  byId('user').textContent = session.user === null ? 'this machine' : session.user;
  byId('logout').hidden = session.user === null;
  byId('broker-tab').hidden = !session.admin;
  // Connected again, the page asks for what it had.
  const wanted = filters.size > 0 ? [...filters] : DEFAULT_FILTERS;
  filters.clear();
  for (const filter of wanted) await subscribe(filter);
  status(`Connected as ${id}.`);
}

let loggedOut = false;

function lost(reason: string): void {
  client = undefined;
  if (loggedOut) return;
  status(`Disconnected: ${reason}; connecting again in ${RECONNECT_MS / 1000} s.`);
  setTimeout(() => void start().catch((err: unknown) => lost((err as Error).message)), RECONNECT_MS);
}

function received(publish: IncomingPublish): void {
  const now = Date.now();
  store.add(publish, now);
  if (publish.topic.startsWith('$SYS/')) brokerPanel.sys(publish.topic, publish.payload, now);
}

async function subscribe(filter: string): Promise<void> {
  if (client === undefined || filters.has(filter)) return;
  const [code] = await client.subscribe([filter], 2);
  if (code === undefined || code >= 0x80) {
    status(`The broker refused the subscription to ${filter}.`);
    return;
  }
  filters.add(filter);
  renderFilters();
}

async function unsubscribe(filter: string): Promise<void> {
  if (client === undefined) return;
  await client.unsubscribe([filter]);
  filters.delete(filter);
  renderFilters();
}

function renderFilters(): void {
  byId('filters').replaceChildren(...[...filters].map((f) => el('li', {}, el('code', {}, f), el('button', { 'data-filter': f, title: `unsubscribe from ${f}` }, '×'))));
}

function userProperties(text: string): [string, string][] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const eq = line.indexOf('=');
      return eq < 0 ? [line, ''] : [line.slice(0, eq), line.slice(eq + 1)];
    });
}

async function publishForm(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  if (client === undefined) return;
  const topic = valueOf('publish-topic');
  if (topic === '' || topic.includes('#') || topic.includes('+')) {
    status('A topic to publish to is needed, without + or #.');
    return;
  }
  const expiry = valueOf('publish-expiry');
  await client.publish(topic, new TextEncoder().encode(valueOf('publish-payload')), Number(valueOf('publish-qos')) as QoS, byIdAs('publish-retain', HTMLInputElement).checked, {
    ...(valueOf('publish-content-type') === '' ? {} : { contentType: valueOf('publish-content-type') }),
    ...(valueOf('publish-response-topic') === '' ? {} : { responseTopic: valueOf('publish-response-topic') }),
    ...(expiry === '' ? {} : { messageExpiry: Number(expiry) }),
    userProperties: userProperties(valueOf('publish-user-properties')),
  });
  status(`Published to ${topic}.`);
}

async function login(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const res = await api('/api/login', { username: byIdAs('login-user', HTMLInputElement).value, password: byIdAs('login-password', HTMLInputElement).value });
  byIdAs('login-password', HTMLInputElement).value = '';
  if (!res.ok) {
    showLogin(((await res.json()) as { error: string }).error);
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, ((await res.json()) as LoginAnswer).token);
  loggedOut = false;
  await start();
}

let brokerTimer: ReturnType<typeof setInterval> | undefined;

function showTab(name: 'topics' | 'broker'): void {
  byId('topics-panel').hidden = name !== 'topics';
  byId('broker-panel').hidden = name !== 'broker';
  byId('topics-tab').classList.toggle('active', name === 'topics');
  byId('broker-tab').classList.toggle('active', name === 'broker');
  clearInterval(brokerTimer);
  if (name === 'broker') {
    void brokerPanel.refresh();
    brokerTimer = setInterval(() => void brokerPanel.refresh(), BROKER_POLL_MS);
  }
}

byIdAs('login-form', HTMLFormElement).addEventListener('submit', (e) => void login(e));
byIdAs('publish-form', HTMLFormElement).addEventListener('submit', (e) => void publishForm(e));
byIdAs('subscribe-form', HTMLFormElement).addEventListener('submit', (event) => {
  event.preventDefault();
  const input = byIdAs('subscribe-filter', HTMLInputElement);
  void subscribe(input.value.trim()).then(() => (input.value = ''));
});
byId('filters').addEventListener('click', (event) => {
  const filter = (event.target as HTMLElement).dataset['filter'];
  if (filter !== undefined) void unsubscribe(filter);
});
byIdAs('tree-filter', HTMLInputElement).addEventListener('input', (event) => tree.setFilter((event.target as HTMLInputElement).value));
byId('topics-tab').addEventListener('click', () => showTab('topics'));
byId('broker-tab').addEventListener('click', () => showTab('broker'));
byId('clear').addEventListener('click', () => {
  store.clear();
  tree.forget();
});
byId('logout').addEventListener('click', () => {
  void api('/api/logout', {}).then(() => {
    sessionStorage.removeItem(TOKEN_KEY);
    loggedOut = true;
    client?.end();
    showLogin('Logged out.');
  });
});

const totals = byId('totals');
let lastFrame = 0;
let lastRates = 0;
function frame(now: number): void {
  if (now - lastFrame >= FRAME_MS) {
    lastFrame = now;
    const wall = Date.now();
    tree.render(wall);
    totals.textContent = `${store.topics} topics, ${store.root.total} messages${store.leftOut > 0 ? `, ${store.leftOut} on topics beyond what the tree holds` : ''}`;
    topicView.render();
    if (now - lastRates >= 1000) {
      lastRates = now;
      tree.refreshRates(wall);
    }
  }
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);
void start().catch((err: unknown) => status(`The console could not start: ${(err as Error).message}.`));
