import { clientOptionGroups } from './client-groups.js';
import { commonOptions } from './common.js';
import { connectOptions } from './connect.js';
import type { OptionGroup } from './spec.js';
import { receiveOptions, subscribeOptions } from './subscribe.js';

/** mqt sub's flags, in the order --help lists them. */
export const subOptionGroups: readonly OptionGroup[] = [subscribeOptions, receiveOptions, connectOptions, ...clientOptionGroups, commonOptions];
