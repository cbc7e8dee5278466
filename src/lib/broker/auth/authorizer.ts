import { parseSharedSubscription } from '../../topic.js';
import type { BrokerAuth, ConnectionInfo } from '../types.js';
import type { AclClient, AclFile } from './acl-file.js';
import type { PasswordFile } from './password-file.js';

export interface AuthorizerOptions {
  /** password_file, when configured. */
  readonly passwords?: PasswordFile;
  /** acl_file, when configured; without one every client may read and write every topic. */
  readonly acl?: AclFile;
}

export interface Login {
  clientId: string;
  username?: string;
  password?: Buffer;
  connection: ConnectionInfo;
  /** True once the client has gone: a check still waiting for its turn is skipped. */
  abandoned?: () => boolean;
}

/**
 * The broker's security hooks from password_file, acl_file and allow_anonymous, deciding as
 * mosquitto 2.0 does (mosquitto_unpwd_check, mosquitto_acl_check):
 *
 * - Without a password_file, allow_anonymous decides for everyone, with or without a username.
 * - With one, a client without a username is let in by allow_anonymous; one with a username
 *   must match the file, whatever allow_anonymous says.
 * - allow_anonymous is the listener's (ListenerInfo.settings), so per-listener settings work.
 * - Whatever the ACL says, nobody publishes into $SYS (except the bridge state topics) and
 *   no message is read from or written to a topic starting with "$share".
 */
export class Authorizer implements BrokerAuth {
  readonly #passwords: PasswordFile | undefined;
  readonly #acl: AclFile | undefined;

  constructor(options: AuthorizerOptions) {
    this.#passwords = options.passwords;
    this.#acl = options.acl;
  }

  authenticate(login: Login): boolean | Promise<boolean> {
    const allowAnonymous = login.connection.listener.settings.allowAnonymous;
    if (this.#passwords === undefined) return allowAnonymous;
    if (login.username === undefined) return allowAnonymous;
    return this.#passwords.check(login.username, login.password, login.abandoned);
  }

  canRead(client: AclClient, topic: string): boolean {
    if (topic.startsWith('$share')) return false;
    return this.#acl?.canRead(client, topic) ?? true;
  }

  canWrite(client: AclClient, topic: string): boolean {
    if (!mayWriteDollar(topic)) return false;
    return this.#acl?.canWrite(client, topic) ?? true;
  }

  /** An acl_file judges a shared subscription by the filter inside it. */
  canSubscribe(client: AclClient, filter: string): boolean {
    return this.#acl?.canSubscribe(client, parseSharedSubscription(filter)?.filter ?? filter) ?? true;
  }
}

/** mosquitto lets clients write only these $SYS topics: a bridge's connection state. */
const BRIDGE_STATE = /^\$SYS\/broker\/connection\/[^/]*\/state$/;

/** Whatever the ACL says, nobody publishes to "$share..." or into $SYS (but a bridge's state). */
export function mayWriteDollar(topic: string): boolean {
  if (topic.startsWith('$share')) return false;
  return !topic.startsWith('$SYS') || BRIDGE_STATE.test(topic);
}
