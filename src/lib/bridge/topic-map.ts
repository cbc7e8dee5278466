/**
 * A bridge's topic remapping, as mosquitto's bridge_topic.c and send_publish.c do it: the first
 * `topic` line of the right direction whose filter matches the topic decides; its remote prefix
 * is swapped for its local one on the way in, the other way round on the way out.
 */
import type { BridgeTopic } from '../broker/config/bridge-types.js';
import { topicMatches } from '../topic.js';

function swapPrefix(topic: string, from: string | undefined, to: string | undefined): string {
  const stripped = from !== undefined && topic.startsWith(from) ? topic.slice(from.length) : topic;
  return (to ?? '') + stripped;
}

/** A topic received from the remote broker, as it is published here. */
export function localTopicOf(topics: readonly BridgeTopic[], remoteTopic: string): string {
  for (const t of topics) {
    if (t.direction === 'out' || !topicMatches(t.remoteTopic, remoteTopic)) continue;
    return swapPrefix(remoteTopic, t.remotePrefix, t.localPrefix);
  }
  return remoteTopic;
}

/** A topic published here, as it is sent to the remote broker. */
export function remoteTopicOf(topics: readonly BridgeTopic[], localTopic: string): string {
  for (const t of topics) {
    if (t.direction === 'in' || !topicMatches(t.localTopic, localTopic)) continue;
    return swapPrefix(localTopic, t.localPrefix, t.remotePrefix);
  }
  return localTopic;
}
