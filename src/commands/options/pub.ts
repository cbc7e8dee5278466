import { clientOptionGroups } from './client-groups.js';
import { commonOptions } from './common.js';
import { connectOptions } from './connect.js';
import { checkPublishTopic, messageOptions } from './message.js';
import type { OptionGroup } from './spec.js';
import { checkingUrlTopic } from './url.js';

/** mqt pub's flags, in the order --help lists them. */
export const pubOptionGroups: readonly OptionGroup[] = [messageOptions, checkingUrlTopic(connectOptions, checkPublishTopic), ...clientOptionGroups, commonOptions];
