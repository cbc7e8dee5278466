import { clientOptionGroups } from './client-groups.js';
import { commonOptions } from './common.js';
import { connectOptions } from './connect.js';
import { messageOptions } from './message.js';
import type { OptionGroup } from './spec.js';

/** mqt pub's flags, in the order --help lists them. */
export const pubOptionGroups: readonly OptionGroup[] = [messageOptions, connectOptions, ...clientOptionGroups, commonOptions];
