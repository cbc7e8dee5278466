import type { MqttError } from '../../errors.js';
import type { ListenerConfig } from '../config/types.js';
import type { SecuritySection } from '../config/state.js';
import { AclFile } from './acl-file.js';
import { Authorizer } from './authorizer.js';
import { PasswordFile } from './password-file.js';

/** The password and ACL files the listeners use, loaded; SIGHUP rereads them. */
export interface ListenerSecurity {
  /** Lines of the files left out or accepted with a warning, for the start-up log. */
  readonly problems: readonly MqttError[];
  /**
   * Rereads every file. A file that fails keeps its old content and is one of `errors`;
   * `problems` are the lines of the files now in force, as at start-up.
   */
  reload(): Promise<{ errors: MqttError[]; problems: MqttError[] }>;
}

/**
 * Loads each listener's password_file and acl_file and gives the listener an Authorizer over
 * them (ListenerSettings.auth). Listeners sharing one security section (every listener unless
 * per_listener_settings is true) share one Authorizer, so a file is read once. An unreadable file
 * or a bad acl_file line throws: mosquitto refuses to start then too.
 */
export async function openListenerSecurity(listeners: readonly ListenerConfig[]): Promise<ListenerSecurity> {
  const authorizers = new Map<SecuritySection, { authorizer: Authorizer; problems: () => MqttError[] }>();
  for (const listener of listeners) {
    const section = listener.security;
    if (section === undefined || (section.passwordFile === undefined && section.aclFile === undefined)) continue;
    let entry = authorizers.get(section);
    if (entry === undefined) {
      const passwords = section.passwordFile === undefined ? undefined : await PasswordFile.load(section.passwordFile);
      const acl = section.aclFile === undefined ? undefined : await AclFile.load(section.aclFile);
      entry = {
        authorizer: new Authorizer({ ...(passwords === undefined ? {} : { passwords }), ...(acl === undefined ? {} : { acl }) }),
        problems: () => [...(passwords?.problems ?? []), ...(acl?.warnings ?? [])],
      };
      authorizers.set(section, entry);
    }
    listener.settings.auth = entry.authorizer;
  }
  const entries = [...authorizers.values()];
  return {
    problems: entries.flatMap((e) => e.problems()),
    reload: async () => {
      const failures = await Promise.all(entries.map((e) => e.authorizer.reload()));
      return { errors: failures.flat(), problems: entries.flatMap((e) => e.problems()) };
    },
  };
}
