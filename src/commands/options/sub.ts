import { commonOptions } from './common.js';
import { connectOptions, willOptions } from './connect.js';
import { optionsFileOptions } from './options-files.js';
import { propertyOptions } from './properties.js';
import type { OptionGroup } from './spec.js';
import { tlsOptions } from './tls.js';
import { transportOptions } from './transport.js';
import { receiveOptions, subscribeOptions } from './subscribe.js';

/** mqt sub's flags, in the order --help lists them. */
export const subOptionGroups: readonly OptionGroup[] = [
  subscribeOptions,
  receiveOptions,
  connectOptions,
  tlsOptions,
  transportOptions,
  willOptions,
  propertyOptions,
  optionsFileOptions,
  commonOptions,
];
