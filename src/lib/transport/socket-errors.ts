import { errnoText } from '../errno-text.js';
import { ErrorCode, MqttError } from '../errors.js';

/** DNS failures, which mosquitto reports as "Lookup error." */
const LOOKUP_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);

/**
 * Turns a Node socket error into an MqttError whose message is what mosquitto would print.
 * `listener` names what should answer at `where` (a broker unless told otherwise).
 */
export function connectError(err: unknown, where: string, listener = 'a broker'): MqttError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
  if (LOOKUP_CODES.has(code)) {
    return new MqttError(ErrorCode.ConnectFailed, `Unable to connect (Lookup error.).`, {
      cause: err,
      hint: `the host name in ${where} could not be resolved`,
    });
  }
  const text = errnoText(err);
  return new MqttError(ErrorCode.ConnectFailed, text, {
    cause: err,
    ...(code === 'ECONNREFUSED' ? { hint: `is ${listener} listening on ${where}?` } : {}),
  });
}
