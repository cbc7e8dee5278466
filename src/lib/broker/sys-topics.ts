/**
 * $SYS/broker/... statistics under mosquitto's topic names (src/sys_tree.c), retained, published
 * every sys_interval seconds and, as mosquitto does, only when a value changed.
 */
import { Buffer } from 'node:buffer';
import type { ClockTimer } from './clock.js';
import type { BrokerCore } from './core.js';
import { newMessage } from './message.js';

type LoadName = 'messages/received' | 'messages/sent' | 'publish/dropped' | 'publish/received' | 'publish/sent' | 'bytes/received' | 'bytes/sent' | 'sockets' | 'connections';

const LOAD_NAMES: readonly LoadName[] = [
  'messages/received',
  'messages/sent',
  'publish/dropped',
  'publish/received',
  'publish/sent',
  'bytes/received',
  'bytes/sent',
  'sockets',
  'connections',
];

const WINDOWS: readonly [string, number][] = [
  ['1min', 60],
  ['5min', 300],
  ['15min', 900],
];

export class SysTopics {
  private timer: ClockTimer | undefined;
  private readonly startedAt: number;
  private intervalMs = 0;
  private lastUpdate = 0;
  private readonly last = new Map<string, string>();
  private readonly previous = new Map<LoadName, number>();
  private readonly loads = new Map<string, number>();
  private maxHeap = 0;

  constructor(private readonly broker: BrokerCore) {
    this.startedAt = broker.clock.now();
  }

  start(intervalSeconds: number): void {
    if (intervalSeconds <= 0) return;
    this.set('$SYS/broker/version', this.broker.options.version);
    this.intervalMs = intervalSeconds * 1000;
    this.tick();
  }

  stop(): void {
    this.timer?.close();
    this.timer = undefined;
    this.intervalMs = 0;
  }

  /** Publishes what changed, then waits one interval; $SYS alone never keeps the process running. */
  tick(): void {
    this.update();
    if (this.intervalMs === 0) return;
    this.timer = this.broker.clock.setTimeout(tick, this.intervalMs, this);
    this.timer.unref();
  }

  /**
   * Publishes the counters that changed since the last update, for a client subscribing to $SYS:
   * mosquitto publishes them only every sys_interval, so a subscriber read `clients/total 0` with
   * itself connected. The loads and uptime stay on the interval, as the loads are rates over it.
   */
  refresh(): void {
    if (this.intervalMs === 0) return;
    this.clients();
    this.counters();
  }

  /** Publishes a retained $SYS value when it differs from the last one sent. */
  private set(topic: string, value: string): void {
    if (this.last.get(topic) === value) return;
    this.last.set(topic, value);
    this.broker.publish(newMessage(topic, Buffer.from(value), 0, true, undefined, '', true, 0), undefined);
  }

  private totals(): Record<LoadName, number> {
    const s = this.broker.stats;
    return {
      'messages/received': s.messagesReceived,
      'messages/sent': s.messagesSent,
      'publish/dropped': s.dropped,
      'publish/received': s.publishReceived,
      'publish/sent': s.publishSent,
      'bytes/received': s.bytesReceived,
      'bytes/sent': s.bytesSent,
      sockets: s.sockets,
      connections: s.connects,
    };
  }

  private update(): void {
    const now = this.broker.clock.now();
    this.set('$SYS/broker/uptime', `${Math.floor((now - this.startedAt) / 1000)} seconds`);
    this.clients();
    this.updateLoads(now);
    this.counters();
  }

  private clients(): void {
    const broker = this.broker;
    const s = broker.stats;
    const b = '$SYS/broker/';
    const total = broker.sessionCount;
    const connected = broker.connectedCount;
    s.maxClients = Math.max(s.maxClients, total);
    this.set(`${b}clients/total`, String(total));
    this.set(`${b}clients/maximum`, String(s.maxClients));
    this.set(`${b}clients/inactive`, String(total - connected));
    this.set(`${b}clients/disconnected`, String(total - connected));
    this.set(`${b}clients/active`, String(connected));
    this.set(`${b}clients/connected`, String(connected));
    this.set(`${b}clients/expired`, String(s.expired));
  }

  private counters(): void {
    const broker = this.broker;
    const s = broker.stats;
    const b = '$SYS/broker/';
    this.set(`${b}subscriptions/count`, String(broker.subscriptions.count));
    this.set(`${b}shared_subscriptions/count`, String(broker.subscriptions.sharedCount));
    this.set(`${b}retained messages/count`, String(broker.retained.count));
    this.set(`${b}messages/received`, String(s.messagesReceived));
    this.set(`${b}messages/sent`, String(s.messagesSent));
    this.set(`${b}publish/messages/dropped`, String(s.dropped));
    this.set(`${b}publish/messages/received`, String(s.publishReceived));
    this.set(`${b}publish/messages/sent`, String(s.publishSent));
    this.set(`${b}bytes/received`, String(s.bytesReceived));
    this.set(`${b}bytes/sent`, String(s.bytesSent));
    this.set(`${b}publish/bytes/received`, String(s.publishBytesReceived));
    this.set(`${b}publish/bytes/sent`, String(s.publishBytesSent));
    // mosquitto counts the bytes it allocated; the JavaScript heap in use is the nearest measure.
    const heap = process.memoryUsage().heapUsed;
    this.maxHeap = Math.max(this.maxHeap, heap);
    this.set(`${b}heap/current`, String(heap));
    this.set(`${b}heap/maximum`, String(this.maxHeap));
  }

  /** mosquitto's exponentially damped per-minute rates over 1, 5 and 15 minutes. */
  private updateLoads(now: number): void {
    const totals = this.totals();
    const initial = this.lastUpdate === 0;
    const seconds = initial ? 0 : (now - this.lastUpdate) / 1000;
    this.lastUpdate = now;
    for (const name of LOAD_NAMES) {
      const value = totals[name];
      const perMinute = seconds > 0 ? ((value - (this.previous.get(name) ?? 0)) * 60) / seconds : 0;
      this.previous.set(name, value);
      for (const [label, span] of WINDOWS) {
        const key = `$SYS/broker/load/${name}/${label}`;
        const current = this.loads.get(key) ?? 0;
        const next = initial ? current : perMinute + Math.exp(-seconds / span) * (current - perMinute);
        this.loads.set(key, next);
        this.set(key, next.toFixed(2));
      }
    }
  }
}

function tick(sys: SysTopics): void {
  sys.tick();
}
