import { clientOptionGroups } from './client-groups.js';
import { commonOptions } from './common.js';
import { connectOptions } from './connect.js';
import type { OptionGroup } from './spec.js';
import { checkSubscriptionFilter, receiveOptions, subscribeOptions } from './subscribe.js';
import { checkingUrlTopic } from './url.js';

/** mqt sub's flags, in the order --help lists them. */
export const subOptionGroups: readonly OptionGroup[] = [subscribeOptions, receiveOptions, checkingUrlTopic(connectOptions, checkSubscriptionFilter), ...clientOptionGroups, commonOptions];
