import { randomBytes } from 'node:crypto';

/** A login lasts a school day; the page logs in again after. */
const LIFETIME_MS = 12 * 60 * 60 * 1000;
/** Logins kept at once; the oldest goes first, so a flood of logins costs a bounded amount of memory. */
const MAX_LOGINS = 256;

interface Login {
  user: string;
  admin: boolean;
  expires: number;
}

/**
 * The console's logins by token. A token stands for a user who gave their password: the page
 * sends it as its MQTT password and as the API's bearer token, so the password itself is held by
 * the page only while the login form is filled in.
 */
export class ConsoleLogins {
  private readonly byToken = new Map<string, Login>();

  constructor(private readonly now: () => number = Date.now) {}

  add(user: string, admin: boolean): string {
    const token = randomBytes(24).toString('base64url');
    if (this.byToken.size >= MAX_LOGINS) this.byToken.delete(this.byToken.keys().next().value!);
    this.byToken.set(token, { user, admin, expires: this.now() + LIFETIME_MS });
    return token;
  }

  /** The login of `token`, if it is one and still valid. */
  find(token: string | undefined): { user: string; admin: boolean } | undefined {
    if (token === undefined) return undefined;
    const login = this.byToken.get(token);
    if (login === undefined) return undefined;
    if (login.expires <= this.now()) {
      this.byToken.delete(token);
      return undefined;
    }
    return login;
  }

  remove(token: string): void {
    this.byToken.delete(token);
  }
}

/** Wrong passwords allowed per address and user before the login waits. */
const FAILURES_ALLOWED = 5;
/** How long the login then waits, from the first failure counted. */
const FAILURE_WINDOW_MS = 60_000;
/** Addresses and users tracked at once; the oldest goes first. */
const MAX_TRACKED = 1024;

/**
 * Slows down guessing: after five wrong passwords for a user from one address, logins for that
 * user from that address are refused for the rest of the minute, whatever the password.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  blocked(address: string, user: string): boolean {
    const entry = this.failures.get(`${address} ${user}`);
    if (entry === undefined) return false;
    if (this.now() - entry.since >= FAILURE_WINDOW_MS) {
      this.failures.delete(`${address} ${user}`);
      return false;
    }
    return entry.count >= FAILURES_ALLOWED;
  }

  failed(address: string, user: string): void {
    const key = `${address} ${user}`;
    const entry = this.failures.get(key);
    if (entry !== undefined) {
      entry.count++;
      return;
    }
    if (this.failures.size >= MAX_TRACKED) this.failures.delete(this.failures.keys().next().value!);
    this.failures.set(key, { count: 1, since: this.now() });
  }

  succeeded(address: string, user: string): void {
    this.failures.delete(`${address} ${user}`);
  }
}
