/**
 * mount_point: a listener's clients live under a prefix. What they publish (wills included) and
 * subscribe to is prefixed on the way in; what is sent to them has the prefix taken off again, as
 * mosquitto's man page says (2.0.11 itself leaves it on). Filters on $-topics ($SYS) are left
 * alone, so those clients still see the broker's own topics.
 */
import { parseSharedSubscription } from '../topic.js';

export function mountTopic(mountPoint: string | undefined, topic: string): string {
  return mountPoint === undefined ? topic : mountPoint + topic;
}

export function mountFilter(mountPoint: string | undefined, filter: string): string {
  if (mountPoint === undefined) return filter;
  const share = parseSharedSubscription(filter);
  if (share !== undefined) return `$share/${share.group}/${mountFilter(mountPoint, share.filter)}`;
  return filter.startsWith('$') ? filter : mountPoint + filter;
}

export function unmountTopic(mountPoint: string | undefined, topic: string): string {
  return mountPoint !== undefined && topic.startsWith(mountPoint) ? topic.slice(mountPoint.length) : topic;
}
