import type { ParsedArgs } from './argv.js';
import { commonOptions } from './common.js';
import { connectOptions, resolveConnect, type ConnectSettings } from './connect.js';
import { optionsFileOptions } from './options-files.js';
import type { OptionGroup } from './spec.js';
import { tlsOptions } from './tls.js';
import { transportOptions } from './transport.js';

/** Flags of pub's connection group that mean nothing here: mosquitto_ctrl opens one clean session. */
const NOT_FOR_CTRL = new Set(['idPrefix', 'noClean', 'sessionExpiry', 'maxInflight']);

const ctrlConnectOptions: OptionGroup = {
  ...connectOptions,
  options: connectOptions.options
    .filter((o) => !NOT_FOR_CTRL.has(o.key))
    .map((o) => (o.key === 'protocolVersion' ? { ...o, describe: 'MQTT version: mqttv5|5 (default), mqttv311|311 or mqttv31|31' } : o)),
};

/** mqt ctrl's flags, in the order --help lists them; they come before the module and its command. */
export const ctrlOptionGroups: readonly OptionGroup[] = [ctrlConnectOptions, tlsOptions, transportOptions, optionsFileOptions, commonOptions];

export interface CtrlSettings {
  readonly connect: ConnectSettings;
  /** The module, its command and the command's arguments: "dynsec createClient alice". */
  readonly words: readonly string[];
}

export function resolveCtrl(args: ParsedArgs): CtrlSettings {
  return { connect: resolveConnect(args, { invalidIdText: 'Invalid id.', defaultVersion: 5 }), words: args.positionals };
}
