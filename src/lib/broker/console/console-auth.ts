import { Buffer } from 'node:buffer';
import type { BrokerAuth, ConnectionInfo, ListenerInfo } from '../types.js';
import type { ConsoleLogins } from './logins.js';

/**
 * Who may log in to the console and who is an admin there: the users of the listener's
 * password_file (all of them admins), or of its dynamic security file (admins: those whose roles
 * let them send the plugin's control commands, as mosquitto_ctrl's users).
 */
export interface ConsoleAuthority {
  /** A password_file or a dynamic security file exists, so a login can succeed. */
  readonly canLogIn: boolean;
  /** true when `password` is `user`'s; a promise for a slow (argon2id) check. */
  checkPassword(user: string, password: string): boolean | Promise<boolean>;
  isAdmin(user: string): boolean;
}

/** Where the listener's users come from. */
export type UserSource = 'password-file' | 'dynamic-security' | 'none';

/** The topic dynamic security's control commands go to: who may write it administers the broker. */
const DYNSEC_CONTROL_TOPIC = '$CONTROL/dynamic-security/v1';

/** The console's users are those of the listener's user source, checked by its security hooks. */
export function consoleAuthority(auth: BrokerAuth | undefined, source: UserSource, listener: ListenerInfo): ConsoleAuthority {
  // A login checks the password even where the listener would let anonymous clients in.
  const connection: ConnectionInfo = { remoteAddress: '', remotePort: 0, listener: { ...listener, settings: { ...listener.settings, allowAnonymous: false } } };
  const canLogIn = source !== 'none' && auth?.authenticate !== undefined;
  return {
    canLogIn,
    checkPassword: (user, password) => canLogIn && (auth?.authenticate?.({ clientId: '', username: user, password: Buffer.from(password), connection }) ?? false),
    isAdmin: (user) => source === 'password-file' || auth?.canWrite?.({ clientId: '', username: user }, DYNSEC_CONTROL_TOPIC) === true,
  };
}

/**
 * The console listener's security hooks: a CONNECT whose password is a console login's token, for
 * the user of that login, is let in; anything else goes to the listener's own hooks. Reading and
 * writing stay the user's, as the ACL (or dynamic security) says.
 */
export function consoleListenerAuth(base: BrokerAuth | undefined, logins: ConsoleLogins): BrokerAuth {
  return {
    authenticate(login) {
      const token = login.password?.toString('utf8');
      const found = logins.find(token);
      if (found !== undefined && login.username === found.user) return true;
      // Without hooks, as the broker's own Authorizer without a password_file: allow_anonymous decides.
      return base?.authenticate?.(login) ?? login.connection.listener.settings.allowAnonymous;
    },
    ...(base?.canRead === undefined ? {} : { canRead: base.canRead.bind(base) }),
    ...(base?.canWrite === undefined ? {} : { canWrite: base.canWrite.bind(base) }),
    ...(base?.canSubscribe === undefined ? {} : { canSubscribe: base.canSubscribe.bind(base) }),
    ...(base?.canUnsubscribe === undefined ? {} : { canUnsubscribe: base.canUnsubscribe.bind(base) }),
    ...(base?.control === undefined ? {} : { control: base.control.bind(base) }),
  };
}
