import { commonOptions } from './common.js';
import { connectOptions, willOptions } from './connect.js';
import { propertyOptions } from './properties.js';
import type { OptionGroup } from './spec.js';
import { transportOptions } from './transport.js';
import { receiveOptions, subscribeOptions } from './subscribe.js';

/** mqt sub's flags, in the order --help lists them. */
export const subOptionGroups: readonly OptionGroup[] = [
  subscribeOptions,
  receiveOptions,
  connectOptions,
  transportOptions,
  willOptions,
  propertyOptions,
  commonOptions,
];
