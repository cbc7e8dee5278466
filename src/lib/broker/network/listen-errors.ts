import { errnoOf, errnoText } from '../../errno-text.js';
import { ErrorCode, MqttError } from '../../errors.js';
import { bracketHost } from '../../transport/host-port.js';

/** What to try next, by errno, so the one line the user sees also says what to do. */
const ADVICE: Readonly<Record<string, string>> = {
  EADDRINUSE: 'is another broker running? Stop it, or choose another port with -p',
  EACCES: 'ports below 1024 need root or CAP_NET_BIND_SERVICE: choose a port above 1023',
  EADDRNOTAVAIL: 'no network interface of this machine has that address',
};

/** "127.0.0.1 port 1883", "[::] port 1883" or a socket path: how errors and the start-up line name an endpoint. */
export function endpointName(address: string, port: number): string {
  if (port === 0) return address;
  return `${bracketHost(address)} port ${port}`;
}

/** One line for a listener that could not be opened, naming the address and port. */
export function listenError(err: unknown, address: string, port: number): MqttError {
  const advice = ADVICE[errnoOf(err) ?? ''];
  const reason = errnoOf(err) === 'ENOTFOUND' ? 'no such host' : errnoText(err);
  return new MqttError(ErrorCode.ListenFailed, `Unable to listen on ${endpointName(address, port)}: ${reason}${advice === undefined ? '' : ` (${advice})`}.`, {
    cause: err,
  });
}
