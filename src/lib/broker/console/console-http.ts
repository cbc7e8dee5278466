import { readFile } from 'node:fs/promises';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { ConsoleAuthority } from './console-auth.js';
import type { ConsoleLogins, LoginThrottle } from './logins.js';
import type { ConsoleBroker, ConsoleSession, LoginAnswer } from './view-types.js';

/** The page's files, built by the build step into one folder; nothing else is served. */
const ASSETS: Readonly<Record<string, { file: string; type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/console.js': { file: 'console.js', type: 'text/javascript; charset=utf-8' },
  '/console.css': { file: 'console.css', type: 'text/css; charset=utf-8' },
};
/** A login or disconnect request is a few names: anything larger is refused unread. */
const MAX_BODY = 4096;
/** The Host of a request to a console that has no login. */
const LOCAL_HOSTS = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;
/** The page is the only client the API is for: no other origin's script may read it. */
const SECURITY_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'",
} as const;

export interface ConsoleHttpOptions {
  /** The folder of index.html, console.js and console.css. */
  assetsDir: string;
  /** Beyond this machine: every API call but the login needs a login's token. */
  loginRequired: boolean;
  authority: ConsoleAuthority;
  logins: ConsoleLogins;
  throttle: LoginThrottle;
  broker: ConsoleBroker;
}

/**
 * The console's HTTP side, on its websockets listener: the page's three files, and a small JSON
 * API (/api/session, /api/login, /api/logout, /api/broker, /api/disconnect). The topics travel
 * over MQTT on the same port, where the broker's ACL applies to the page like any client.
 */
export function consoleRequestListener(options: ConsoleHttpOptions): RequestListener {
  const files = new Map<string, Buffer>();
  const asset = async (name: string): Promise<Buffer> => {
    let bytes = files.get(name);
    if (bytes === undefined) {
      bytes = await readFile(join(options.assetsDir, name));
      files.set(name, bytes);
    }
    return bytes;
  };
  return (req, res) => {
    handle(options, asset, req, res).catch(() => {
      if (res.headersSent) res.destroy();
      else json(res, 500, { error: 'internal error' });
    });
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...SECURITY_HEADERS }).end(JSON.stringify(body));
}

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') === true ? header.slice(7) : undefined;
}

async function handle(options: ConsoleHttpOptions, asset: (name: string) => Promise<Buffer>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://console').pathname;
  // Without a login, a page of another site could reach this one through a name it points at 127.0.0.1.
  if (!options.loginRequired && !LOCAL_HOSTS.test(req.headers.host ?? '')) return json(res, 421, { error: 'use the console through 127.0.0.1 or localhost' });
  const file = ASSETS[path];
  if (file !== undefined) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'method not allowed' });
    const bytes = await asset(file.file);
    res.writeHead(200, { 'Content-Type': file.type, 'Content-Length': bytes.length, ...SECURITY_HEADERS });
    res.end(req.method === 'HEAD' ? undefined : bytes);
    return;
  }
  if (path === '/favicon.ico') {
    res.writeHead(204, SECURITY_HEADERS).end();
    return;
  }
  if (!path.startsWith('/api/')) return json(res, 404, { error: 'not found' });
  const token = bearer(req);
  const login = options.logins.find(token);
  // On this machine only, the console is its owner's: everything is open, as to a local mosquitto_sub.
  const admin = login?.admin ?? !options.loginRequired;
  if (path === '/api/session' && req.method === 'GET') {
    const session: ConsoleSession = { loginRequired: options.loginRequired, loginPossible: options.authority.canLogIn, user: login?.user ?? null, admin };
    return json(res, 200, session);
  }
  if (req.method === 'POST' && req.headers['content-type'] !== 'application/json') {
    // A form or another site's script cannot send this type without asking first, which this server never allows.
    return json(res, 415, { error: 'send application/json' });
  }
  if (path === '/api/login' && req.method === 'POST') {
    const body = await readJson(req);
    const user = typeof body?.['username'] === 'string' ? body['username'] : undefined;
    const password = typeof body?.['password'] === 'string' ? body['password'] : undefined;
    if (user === undefined || password === undefined) return json(res, 400, { error: 'username and password are needed' });
    const from = req.socket.remoteAddress ?? '';
    if (options.throttle.blocked(from, user)) return json(res, 429, { error: 'too many wrong passwords: wait a minute' });
    if (!(await options.authority.checkPassword(user, password))) {
      options.throttle.failed(from, user);
      return json(res, 403, { error: 'unknown user or wrong password' });
    }
    options.throttle.succeeded(from, user);
    const isAdmin = options.authority.isAdmin(user);
    const answer: LoginAnswer = { user, token: options.logins.add(user, isAdmin), admin: isAdmin };
    return json(res, 200, answer);
  }
  if (path === '/api/logout' && req.method === 'POST') {
    if (token !== undefined) options.logins.remove(token);
    return json(res, 200, {});
  }
  if (!admin) return json(res, login === undefined ? 401 : 403, { error: login === undefined ? 'log in first' : 'only an admin may do this' });
  if (path === '/api/broker' && req.method === 'GET') return json(res, 200, options.broker.snapshot());
  if (path === '/api/disconnect' && req.method === 'POST') {
    const body = await readJson(req);
    const clientId = body?.['clientId'];
    if (typeof clientId !== 'string') return json(res, 400, { error: 'clientId is needed' });
    return options.broker.disconnect(clientId) ? json(res, 200, {}) : json(res, 404, { error: 'no such client connected' });
  }
  return json(res, 404, { error: 'not found' });
}

/** The request's JSON object, or undefined when it is not one or is too large. */
async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) {
      req.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
