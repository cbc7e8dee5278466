import { willOptions } from './connect.js';
import { optionsFileOptions } from './options-files.js';
import { propertyOptions } from './properties.js';
import type { OptionGroup } from './spec.js';
import { tlsOptions } from './tls.js';
import { transportOptions } from './transport.js';

/** The groups pub, sub and rr list after their connection group, in --help order. */
export const clientOptionGroups: readonly OptionGroup[] = [tlsOptions, transportOptions, willOptions, propertyOptions, optionsFileOptions];
