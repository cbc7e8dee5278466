import { errnoOf, errnoText } from '../errno-text.js';
import { ErrorCode, MqttError } from '../errors.js';

/**
 * Turns a Node fs error into an MqttError reading "<what>. <reason>." (mosquitto_passwd's
 * "Unable to open password file pw. No such file or directory."), coded so that callers can
 * tell a missing file from an existing one from anything else.
 */
export function fileError(err: unknown, what: string): MqttError {
  const errno = errnoOf(err) ?? '';
  const reason = errnoText(err);
  const code = errno === 'ENOENT' ? ErrorCode.FileNotFound : errno === 'EEXIST' ? ErrorCode.FileExists : ErrorCode.FileError;
  return new MqttError(code, `${what}. ${reason}.`, { cause: err });
}
