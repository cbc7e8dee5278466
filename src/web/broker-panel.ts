import type { BrokerSnapshot, ClientRow } from '../lib/broker/console/view-types.js';
import { drawChart, type Point } from './chart.js';
import { byId, el } from './dom.js';
import { asText } from './payload.js';

/** The $SYS topics charted, and their titles. */
const CHARTS: readonly [string, string][] = [
  ['$SYS/broker/load/messages/received/1min', 'messages received per minute'],
  ['$SYS/broker/load/messages/sent/1min', 'messages sent per minute'],
  ['$SYS/broker/load/bytes/received/1min', 'bytes received per minute'],
  ['$SYS/broker/load/bytes/sent/1min', 'bytes sent per minute'],
  ['$SYS/broker/load/connections/1min', 'connections per minute'],
  ['$SYS/broker/clients/connected', 'clients connected'],
];
/** The charts cover the last fifteen minutes. */
const CHART_SPAN_MS = 15 * 60_000;

const PROTOCOLS: Readonly<Record<number, string>> = { 3: 'MQTT 3.1', 4: 'MQTT 3.1.1', 5: 'MQTT 5' };

/** The broker tab: clients, kept sessions and listeners from the console's API, and $SYS charts. */
export class BrokerPanel {
  private readonly series = new Map<string, Point[]>();

  constructor(
    private readonly api: (path: string, body?: unknown) => Promise<Response>,
    private readonly status: (text: string) => void,
  ) {
    for (const [topic] of CHARTS) this.series.set(topic, []);
    byId('clients').addEventListener('click', (event) => {
      const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-client]');
      if (button !== null) void this.disconnect(button.dataset['client']!);
    });
  }

  /** A $SYS message: a point on its chart, if it has one. */
  sys(topic: string, payload: Uint8Array, at: number): void {
    const points = this.series.get(topic);
    const value = Number(asText(payload));
    if (points === undefined || !Number.isFinite(value)) return;
    points.push({ at, value });
    while (points.length > 0 && points[0]!.at < at - CHART_SPAN_MS) points.shift();
  }

  async refresh(): Promise<void> {
    const res = await this.api('/api/broker');
    if (!res.ok) {
      this.status(res.status === 403 ? 'The broker view is for admins.' : `The broker view failed (${res.status}).`);
      return;
    }
    const snapshot = (await res.json()) as BrokerSnapshot;
    byId('broker-summary').textContent = `mqt ${snapshot.version}, up ${Math.floor(snapshot.uptime / 60)} min, ${snapshot.clients.length} clients connected, ${snapshot.sessions.length} sessions kept`;
    byId('clients').replaceChildren(...snapshot.clients.map((c) => clientRow(c, true)));
    byId('sessions').replaceChildren(...snapshot.sessions.map((c) => clientRow(c, false)));
    byId('listeners').replaceChildren(
      ...snapshot.listeners.map((l) =>
        el('tr', {}, el('td', {}, l.address), el('td', {}, String(l.port)), el('td', {}, `${l.protocol}${l.tls ? ' + TLS' : ''}${l.console ? ' (this console)' : ''}`)),
      ),
    );
    this.drawCharts();
  }

  drawCharts(): void {
    const box = byId('sys-charts');
    if (box.childElementCount !== CHARTS.length) box.replaceChildren(...CHARTS.map(([topic]) => el('canvas', { class: 'chart', 'data-sys': topic })));
    for (const [topic, title] of CHARTS) {
      const canvas = box.querySelector<HTMLCanvasElement>(`canvas[data-sys="${topic}"]`)!;
      drawChart(canvas, this.series.get(topic)!, title);
    }
  }

  private async disconnect(clientId: string): Promise<void> {
    const res = await this.api('/api/disconnect', { clientId });
    this.status(res.ok ? `Disconnected ${clientId}.` : `Could not disconnect ${clientId} (${res.status}).`);
    await this.refresh();
  }
}

function clientRow(c: ClientRow, connected: boolean): HTMLElement {
  const subscriptions = c.subscriptions.map((s) => `${s.filter} (Q${s.qos})`).join(', ');
  const cells = [
    c.clientId,
    c.username ?? '',
    ...(connected ? [c.address ?? '', c.protocol === null ? '' : (PROTOCOLS[c.protocol] ?? String(c.protocol)), c.keepalive === null ? '' : `${c.keepalive} s`] : []),
    subscriptions,
    String(c.queued),
    String(c.inflight),
  ].map((text) => el('td', {}, text));
  const action = connected ? [el('td', {}, el('button', { 'data-client': c.clientId, class: 'danger' }, 'Disconnect'))] : [];
  return el('tr', { 'data-client-id': c.clientId }, ...cells, ...action);
}
