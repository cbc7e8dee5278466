import { commonOptions } from './common.js';
import { connectOptions, willOptions } from './connect.js';
import { messageOptions } from './message.js';
import { propertyOptions } from './properties.js';
import type { OptionGroup } from './spec.js';
import { transportOptions } from './transport.js';

/** mqt pub's flags, in the order --help lists them. */
export const pubOptionGroups: readonly OptionGroup[] = [
  messageOptions,
  connectOptions,
  transportOptions,
  willOptions,
  propertyOptions,
  commonOptions,
];
