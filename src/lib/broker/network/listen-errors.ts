import { errnoOf, errnoText } from '../../errno-text.js';
import { ErrorCode, MqttError, type Remedy } from '../../errors.js';
import { bracketHost } from '../../transport/host-port.js';

/** What would get past the failure, by errno; the command words it. */
const REMEDIES: Readonly<Record<string, Remedy>> = {
  EADDRINUSE: { kind: 'port-in-use' },
  EACCES: { kind: 'privileged-port' },
  EADDRNOTAVAIL: { kind: 'no-such-address' },
};

/** "127.0.0.1 port 1883", "[::] port 1883" or a socket path: how errors and the start-up line name an endpoint. */
export function endpointName(address: string, port: number): string {
  if (port === 0) return address;
  return `${bracketHost(address)} port ${port}`;
}

/** One line for a listener that could not be opened, naming the address and port (`console`: the web console's). */
export function listenError(err: unknown, address: string, port: number, console = false): MqttError {
  const found = REMEDIES[errnoOf(err) ?? ''];
  const remedy = console && found?.kind === 'port-in-use' ? { kind: 'port-in-use' as const, console } : found;
  const reason = errnoOf(err) === 'ENOTFOUND' ? 'no such host' : errnoText(err);
  return new MqttError(ErrorCode.ListenFailed, `Unable to listen on ${endpointName(address, port)}: ${reason}.`, {
    cause: err,
    ...(remedy === undefined ? {} : { remedy }),
  });
}
