/**
 * plugin / auth_plugin and their plugin_opt_ / auth_opt_ options. mqt serve has one plugin,
 * mosquitto's dynamic security, built in: a line naming mosquitto_dynamic_security.so (wherever it
 * is installed, or not) or "dynamic-security" turns it on; any other plugin is refused.
 */
import type { Directive, DirectiveContext } from './directive.js';
import { DirectiveError, bool, text } from './values.js';

/** The name that turns the built-in plugin on without mosquitto installed. */
const BUILT_IN_NAME = 'dynamic-security';
const MOSQUITTO_FILE = 'mosquitto_dynamic_security.so';

export function isDynamicSecurityPlugin(path: string): boolean {
  return path === BUILT_IN_NAME || path === MOSQUITTO_FILE || path.endsWith(`/${MOSQUITTO_FILE}`);
}

function pluginLine(name: string): Directive {
  return {
    name,
    scope: 'security',
    value: 'PATH',
    apply: (ctx, args) => {
      const path = text(name, args);
      if (!isDynamicSecurityPlugin(path)) {
        throw new DirectiveError(`Unable to load plugin ${path}: the only plugin built in is mosquitto's dynamic security (${MOSQUITTO_FILE} or ${BUILT_IN_NAME}); others cannot be loaded.`);
      }
      if (ctx.security.dynsec !== undefined) throw new DirectiveError('The dynamic security plugin is loaded once only.');
      ctx.security.dynsec = { path, origin: ctx.origin };
    },
  };
}

/** It concerns the old plugin interface only: mosquitto does not apply it to the dynamic security plugin. */
const denySpecialChars: Directive = {
  name: 'auth_plugin_deny_special_chars',
  scope: 'security',
  value: 'true | false',
  apply: (ctx, args) => {
    if (ctx.security.dynsec === undefined) throw new DirectiveError('An auth_plugin_deny_special_chars option exists in the config file without an auth_plugin.');
    bool('auth_plugin_deny_special_chars', args);
  },
};

export const PLUGIN_DIRECTIVES: readonly Directive[] = [pluginLine('plugin'), pluginLine('auth_plugin'), denySpecialChars];

const OPTION_PREFIXES = ['plugin_opt_', 'auth_opt_'];

/** plugin_opt_KEY VALUE: an option of the plugin named last; the plugin reads config_file only. */
function optionLine(ctx: DirectiveContext, key: string, args: string): void {
  const plugin = ctx.security.dynsec;
  if (plugin === undefined) throw new DirectiveError('An auth_opt_ option exists in the config file without an auth_plugin.');
  const value = args.trim();
  if (key === '' || value === '') throw new DirectiveError('Invalid auth_opt_ config option.');
  if (key === 'config_file') plugin.configFile = value;
}

/** The directive for a plugin_opt_ or auth_opt_ name, undefined for other names. */
export function pluginOptionDirective(name: string): Directive | undefined {
  const prefix = OPTION_PREFIXES.find((p) => name.startsWith(p));
  if (prefix === undefined) return undefined;
  return { name, scope: 'security', value: 'VALUE', apply: (ctx, args) => optionLine(ctx, name.slice(prefix.length), args) };
}
