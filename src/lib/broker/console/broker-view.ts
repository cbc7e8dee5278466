import type { Broker } from '../broker.js';
import type { Connection } from '../connection.js';
import type { ListenerConfig } from '../config/types.js';
import type { Session } from '../session.js';
import type { BrokerSnapshot, ClientRow, ConsoleBroker, ListenerRow } from './view-types.js';

/** The console's view of `broker`: its sessions as rows, its listeners, and the admin's disconnect. */
export function consoleBroker(broker: Broker, listeners: readonly ListenerConfig[], version: string): ConsoleBroker {
  const started = Date.now();
  const listenerRows: ListenerRow[] = listeners.map((l) => ({
    address: l.unixPath ?? l.bindAddress ?? '*',
    port: l.port,
    protocol: l.protocol,
    tls: l.tls !== undefined,
    console: l.console !== undefined,
  }));
  return {
    snapshot(): BrokerSnapshot {
      const clients: ClientRow[] = [];
      const sessions: ClientRow[] = [];
      for (const session of broker.allSessions()) {
        const conn = session.connection;
        if (conn === undefined) sessions.push(row(session, undefined));
        else if (conn.state === 'active') clients.push(row(session, conn));
      }
      return { version, uptime: Math.floor((Date.now() - started) / 1000), clients, sessions, listeners: listenerRows };
    },
    disconnect(clientId: string): boolean {
      return broker.kickClient(clientId);
    },
  };
}

function row(session: Session<Connection>, conn: Connection | undefined): ClientRow {
  return {
    clientId: session.clientId,
    username: session.username ?? null,
    address: conn === undefined ? null : `${conn.info.remoteAddress}:${conn.info.remotePort}`,
    protocol: conn?.version ?? null,
    // The watch runs at 1.5 × the keepalive the client asked for (connection.ts).
    keepalive: conn === undefined ? null : Math.round(conn.keepaliveMs / 1500),
    port: conn?.info.listener.port ?? null,
    subscriptions: [...session.subscriptions].map(([filter, options]) => ({ filter, qos: options.qos })),
    queued: session.queuedCount,
    inflight: session.inflight.size,
    expiryInterval: session.expiryInterval,
  };
}
