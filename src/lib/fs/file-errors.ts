import { ErrorCode, MqttError } from '../errors.js';

/** strerror(3)'s wording for the errno values file operations meet, as mosquitto prints them. */
const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EEXIST: 'File exists',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  EROFS: 'Read-only file system',
  ENOSPC: 'No space left on device',
  EDQUOT: 'Disk quota exceeded',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  EBUSY: 'Device or resource busy',
  EIO: 'Input/output error',
};

export function errnoOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Turns a Node fs error into an MqttError reading "<what>. <reason>." (mosquitto_passwd's
 * "Unable to open password file pw. No such file or directory."), coded so that callers can
 * tell a missing file from an existing one from anything else.
 */
export function fileError(err: unknown, what: string): MqttError {
  const errno = errnoOf(err) ?? '';
  const reason = ERRNO_TEXT[errno] ?? (err instanceof Error ? err.message : String(err));
  const code = errno === 'ENOENT' ? ErrorCode.FileNotFound : errno === 'EEXIST' ? ErrorCode.FileExists : ErrorCode.FileError;
  return new MqttError(code, `${what}. ${reason}.`, { cause: err });
}
