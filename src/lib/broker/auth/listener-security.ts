import { ErrorCode, MqttError } from '../../errors.js';
import type { ListenerConfig } from '../config/types.js';
import type { SecuritySection } from '../config/state.js';
import type { ConfFile } from '../config/tls-types.js';
import { DynamicSecurity } from '../dynsec/dynamic-security.js';
import { AclFile } from './acl-file.js';
import { Authorizer } from './authorizer.js';
import { PasswordFile } from './password-file.js';
import { PskFile } from './psk-file.js';

/** The password, ACL and PSK files the listeners use, loaded; SIGHUP rereads them. */
export interface ListenerSecurity {
  /** Lines of the files left out or accepted with a warning, for the start-up log. */
  readonly problems: readonly MqttError[];
  /** The dynamic security plugins in use (one per security section that loads it). */
  readonly plugins: readonly DynamicSecurity[];
  /** The plugin lines, as written, for the start-up log. */
  readonly pluginPaths: readonly string[];
  /**
   * Rereads every file, synchronously: whatever the broker handles after the call is judged by
   * the new files. A file that fails keeps its old content and is one of `errors`; `problems` are
   * the lines of the files now in force, as at start-up.
   */
  reload(): { errors: MqttError[]; problems: MqttError[] };
}

/**
 * Loads each listener's password_file, acl_file and (on PSK listeners) psk_file: the listener gets
 * an Authorizer (ListenerSettings.auth) and its PSK keys (ListenerConfig.pskKeys). Listeners
 * sharing one security section (every listener unless per_listener_settings is true) share what
 * it loads, so a file is read once. An unreadable file or a bad acl_file or psk_file line throws:
 * mosquitto refuses to start then too.
 */
export function openListenerSecurity(listeners: readonly ListenerConfig[]): ListenerSecurity {
  const loaded = new Map<SecuritySection, Loaded>();
  for (const listener of listeners) {
    const section = listener.security;
    if (section === undefined) continue;
    let entry = loaded.get(section);
    if (entry === undefined) {
      entry = load(section, listener.tls?.kind === 'psk');
      loaded.set(section, entry);
    }
    if (entry.authorizer !== undefined) listener.settings.auth = entry.authorizer;
    if (listener.tls?.kind === 'psk') {
      // A section first met on a certificate listener has not read its psk_file yet.
      entry.psk ??= loadPsk(section.pskFile);
      if (entry.psk !== undefined) listener.pskKeys = entry.psk;
    }
  }
  const entries = [...loaded.values()];
  const problems = (): MqttError[] => entries.flatMap((e) => [...(e.passwords?.problems ?? []), ...(e.acl?.warnings ?? [])]);
  const plugins = entries.flatMap((e) => (e.authorizer instanceof DynamicSecurity ? [e.authorizer] : []));
  const inactive = [...loaded.keys()].filter((s) => s.dynsec !== undefined && s.dynsec.configFile === undefined).map(pluginWithoutFile);
  return {
    problems: [...inactive, ...problems()],
    plugins,
    pluginPaths: [...loaded.keys()].flatMap((s) => (s.dynsec === undefined ? [] : [s.dynsec.path])),
    reload: () => {
      const files = entries.flatMap((e) => [e.passwords, e.acl, e.psk].filter((file) => file !== undefined));
      const errors: MqttError[] = [];
      for (const file of files) {
        try {
          file.reload();
        } catch (err) {
          errors.push(reloadError(file.path, err));
        }
      }
      return { errors, problems: problems() };
    },
  };
}

interface Loaded {
  passwords?: PasswordFile;
  acl?: AclFile;
  psk?: PskFile;
  authorizer?: Authorizer | DynamicSecurity;
}

function pluginWithoutFile(): MqttError {
  return new MqttError(ErrorCode.ConfigError, 'Dynamic security plugin has no plugin_opt_config_file defined. The plugin will not be activated.');
}

function load(section: SecuritySection, psk: boolean): Loaded {
  const configFile = section.dynsec?.configFile;
  if (configFile !== undefined) {
    // mosquitto would consult both; mqt keeps one source of logins and access rules.
    if (section.passwordFile !== undefined || section.aclFile !== undefined) {
      const origin = section.dynsec!.origin;
      throw new MqttError(ErrorCode.ConfigError, `${origin.file}:${origin.line}: the dynamic security plugin cannot be combined with password_file or acl_file.`);
    }
    const pskKeys = psk ? loadPsk(section.pskFile) : undefined;
    return { authorizer: DynamicSecurity.load(configFile), ...(pskKeys === undefined ? {} : { psk: pskKeys }) };
  }
  const passwords = section.passwordFile === undefined ? undefined : PasswordFile.load(section.passwordFile);
  const acl = section.aclFile === undefined ? undefined : AclFile.load(section.aclFile);
  const pskKeys = psk ? loadPsk(section.pskFile) : undefined;
  return {
    ...(passwords === undefined ? {} : { passwords }),
    ...(acl === undefined ? {} : { acl }),
    ...(pskKeys === undefined ? {} : { psk: pskKeys }),
    ...(passwords === undefined && acl === undefined
      ? {}
      : { authorizer: new Authorizer({ ...(passwords === undefined ? {} : { passwords }), ...(acl === undefined ? {} : { acl }) }) }),
  };
}

/** The psk_file, its errors naming the config line that gave it. */
function loadPsk(file: ConfFile | undefined): PskFile | undefined {
  if (file === undefined) return undefined;
  try {
    return PskFile.load(file.path);
  } catch (err) {
    if (!(err instanceof MqttError) || file.origin === undefined) throw err;
    throw new MqttError(ErrorCode.ConfigError, `${file.origin.file}:${file.origin.line}: ${err.message}`, { cause: err });
  }
}

function reloadError(path: string, reason: unknown): MqttError {
  return reason instanceof MqttError ? reason : new MqttError(ErrorCode.FileError, `Unable to reload ${path}: ${reason instanceof Error ? reason.message : String(reason)}`, { cause: reason });
}
