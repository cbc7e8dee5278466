import { commonOptions } from './common.js';
import { connectOptions, willOptions } from './connect.js';
import { messageOptions } from './message.js';
import { optionsFileOptions } from './options-files.js';
import { propertyOptions } from './properties.js';
import type { OptionGroup } from './spec.js';
import { tlsOptions } from './tls.js';
import { transportOptions } from './transport.js';

/** mqt pub's flags, in the order --help lists them. */
export const pubOptionGroups: readonly OptionGroup[] = [
  messageOptions,
  connectOptions,
  tlsOptions,
  transportOptions,
  willOptions,
  propertyOptions,
  optionsFileOptions,
  commonOptions,
];
