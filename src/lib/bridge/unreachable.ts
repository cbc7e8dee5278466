/**
 * Why a bridge's remote cannot be reached, in mosquitto's words. The host name is looked up on its
 * own before the socket opens, as mosquitto's two steps do it: a name that does not resolve ends the
 * try before step 2, and mosquitto warns of it once, when it reads its config.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { errnoText } from '../errno-text.js';
import { isMqttError } from '../errors.js';

type Lookup = (host: string) => Promise<unknown>;

/** Why `host` has no address, in the resolver's words, or undefined when it has one. */
export async function lookupFailure(host: string, lookup: Lookup = dnsLookup): Promise<string | undefined> {
  if (isIP(host) !== 0) return undefined;
  try {
    await lookup(host);
    return undefined;
  } catch (err) {
    return resolverText(err);
  }
}

/** glibc's gai_strerror() wording, which mosquitto prints; Node names the codes its own way. */
function resolverText(err: unknown): string {
  switch ((err as NodeJS.ErrnoException | undefined)?.code) {
    case 'ENOTFOUND':
      return 'Name or service not known';
    case 'EAI_AGAIN':
      return 'Temporary failure in name resolution';
    case 'EAI_FAIL':
      return 'Non-recoverable failure in name resolution';
    case 'ENODATA':
      return 'No address associated with hostname';
    default:
      return errnoText(err);
  }
}

/** As mosquitto reading its config: a warning for each address whose name does not resolve. */
export function warnUnresolved(addresses: readonly { host: string }[], warn: (text: string) => void): void {
  for (const host of new Set(addresses.map((a) => a.host))) {
    void lookupFailure(host).then((why) => {
      if (why !== undefined) warn(`Warning: Error resolving bridge address: ${why}.`);
    });
  }
}

/**
 * Why the remote could not be reached, in mosquitto's words. Its connect does not wait: a refused
 * connection shows as the CONNECT it then writes failing, so it logs that CONNECT and "Broken pipe".
 */
export function connectFailure(err: unknown, remoteClientId: string, debug: (text: string) => void): string {
  const cause = isMqttError(err) ? err.cause : err;
  if ((cause as NodeJS.ErrnoException | undefined)?.code === 'ECONNREFUSED') {
    debug(`Bridge ${remoteClientId} sending CONNECT`);
    return 'Broken pipe';
  }
  return (isMqttError(err) ? err.message : errnoText(err)).replace(/\.$/, '');
}
