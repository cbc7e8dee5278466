import { Buffer } from 'node:buffer';
import type { BrokerAuth, ConnectionInfo, ListenerInfo } from '../types.js';
import type { ConsoleLogins } from './logins.js';

/**
 * Who may log in to the console and who is an admin there. The password_file's users are the
 * console's users and all of them admins; dynamic security's admin roles will be another
 * implementation of this interface.
 */
export interface ConsoleAuthority {
  /** A password_file (or another user list) exists, so a login can succeed. */
  readonly canLogIn: boolean;
  /** true when `password` is `user`'s. */
  checkPassword(user: string, password: string): boolean;
  isAdmin(user: string): boolean;
}

/** The console's users are those of the listener's password_file, checked by its security hooks. */
export function passwordFileAuthority(auth: BrokerAuth | undefined, hasPasswordFile: boolean, listener: ListenerInfo): ConsoleAuthority {
  // A login checks the password even where the listener would let anonymous clients in.
  const connection: ConnectionInfo = { remoteAddress: '', remotePort: 0, listener: { ...listener, settings: { ...listener.settings, allowAnonymous: false } } };
  return {
    canLogIn: hasPasswordFile && auth?.authenticate !== undefined,
    checkPassword: (user, password) => hasPasswordFile && auth?.authenticate?.({ clientId: '', username: user, password: Buffer.from(password), connection }) === true,
    isAdmin: () => true,
  };
}

/**
 * The console listener's security hooks: a CONNECT whose password is a console login's token, for
 * the user of that login, is let in; anything else goes to the listener's own hooks. Reading and
 * writing stay the user's, as the ACL says.
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
  };
}
