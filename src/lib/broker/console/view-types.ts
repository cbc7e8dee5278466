/**
 * What the web console's broker view sends the page as JSON. The page imports these types only
 * (nothing of src/lib runs in the browser), so both sides agree on one shape.
 */

export interface SubscriptionRow {
  filter: string;
  qos: 0 | 1 | 2;
}

/** A session: with its client connected, or kept for an absent one. */
export interface ClientRow {
  clientId: string;
  username: string | null;
  /** "address:port" of the connection; null for a kept session. */
  address: string | null;
  /** The MQTT protocol level: 3 (3.1), 4 (3.1.1) or 5. */
  protocol: 3 | 4 | 5 | null;
  /** Seconds; null for a kept session. */
  keepalive: number | null;
  /** The listener's port it came in on; null for a kept session. */
  port: number | null;
  subscriptions: SubscriptionRow[];
  queued: number;
  inflight: number;
  /** Session Expiry Interval in seconds (4294967295: never). */
  expiryInterval: number;
}

export interface ListenerRow {
  address: string;
  port: number;
  protocol: 'mqtt' | 'websockets';
  tls: boolean;
  console: boolean;
}

export interface BrokerSnapshot {
  version: string;
  /** Seconds since the broker started. */
  uptime: number;
  clients: ClientRow[];
  /** Sessions kept for clients that are away. */
  sessions: ClientRow[];
  listeners: ListenerRow[];
}

/** What the page learns of its login before it connects. */
export interface ConsoleSession {
  /** The console listens beyond this machine: nothing works without a login. */
  loginRequired: boolean;
  /** A password_file exists, so a login is possible. */
  loginPossible: boolean;
  /** The user logged in with the token sent, if any. */
  user: string | null;
  /** The user may see the broker view and disconnect clients. */
  admin: boolean;
}

/** What a successful login answers: the token is the MQTT password and the API's bearer token. */
export interface LoginAnswer {
  user: string;
  token: string;
  admin: boolean;
}

/** The broker view the console's HTTP side reads: narrow, so the console never reaches into the broker. */
export interface ConsoleBroker {
  snapshot(): BrokerSnapshot;
  /** Disconnects the client with this id (v5: DISCONNECT 0x98 Administrative action); false when none is connected. */
  disconnect(clientId: string): boolean;
}
