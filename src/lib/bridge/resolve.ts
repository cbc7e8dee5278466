/**
 * A bridge's host name, looked up on its own before the socket opens, as mosquitto's two steps
 * do it: a name that does not resolve ends the try before step 2. mosquitto also warns of such a
 * name once, when it reads its config.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { errnoText } from '../errno-text.js';

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
