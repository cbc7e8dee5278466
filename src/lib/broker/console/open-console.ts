import type { RequestListener } from 'node:http';
import { ErrorCode, MqttError } from '../../errors.js';
import type { ListenerConfig } from '../config/types.js';
import type { ListenerInfo } from '../types.js';
import { consoleAuthority, consoleListenerAuth, type UserSource } from './console-auth.js';
import { consoleRequestListener } from './console-http.js';
import { ConsoleLogins, LoginThrottle } from './logins.js';
import type { ConsoleBroker } from './view-types.js';

/**
 * Makes `listener` the web console: its HTTP requests get the page and the API, and its MQTT
 * connections may log in with a console login's token. A console that listens beyond this
 * machine needs users to log in as; without a password_file or dynamic security it does not start.
 */
export function openConsole(listener: ListenerConfig, info: ListenerInfo, broker: ConsoleBroker): RequestListener {
  const settings = listener.console!;
  const security = listener.security;
  const source: UserSource = security?.passwordFile !== undefined ? 'password-file' : security?.dynsec?.configFile !== undefined ? 'dynamic-security' : 'none';
  const authority = consoleAuthority(listener.settings.auth, source, info);
  if (settings.loginRequired && !authority.canLogIn) {
    throw new MqttError(
      ErrorCode.ConfigError,
      `The web console on ${info.address}:${info.port} is open beyond this machine, so it needs users to log in: a password_file or the dynamic security plugin is needed.`,
    );
  }
  const logins = new ConsoleLogins();
  listener.settings.auth = consoleListenerAuth(listener.settings.auth, logins);
  return consoleRequestListener({ assetsDir: settings.assetsDir, loginRequired: settings.loginRequired, authority, logins, throttle: new LoginThrottle(), broker });
}
