import { ErrorCode, MqttError } from '../errors.js';

/** The wording mosquitto's clients use for the errno values users meet most. */
const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'Connection refused',
  ECONNRESET: 'Connection reset by peer',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  ETIMEDOUT: 'Connection timed out',
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  EADDRINUSE: 'Address already in use',
  ENOTSOCK: 'Socket operation on non-socket',
  EPIPE: 'Broken pipe',
};

/** DNS failures, which mosquitto reports as "Lookup error." */
const LOOKUP_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);

/** Turns a Node socket error into an MqttError whose message is what mosquitto would print. */
export function connectError(err: unknown, where: string): MqttError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
  if (LOOKUP_CODES.has(code)) {
    return new MqttError(ErrorCode.ConnectFailed, `Unable to connect (Lookup error.).`, {
      cause: err,
      hint: `the host name in ${where} could not be resolved`,
    });
  }
  const text = ERRNO_TEXT[code] ?? (err instanceof Error ? err.message : String(err));
  return new MqttError(ErrorCode.ConnectFailed, text, {
    cause: err,
    ...(code === 'ECONNREFUSED' ? { hint: `is a broker listening on ${where}?` } : {}),
  });
}
