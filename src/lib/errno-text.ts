/** strerror(3)'s wording for the errno values users meet, as mosquitto's tools print them. */
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
  ECONNREFUSED: 'Connection refused',
  ECONNRESET: 'Connection reset by peer',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  ETIMEDOUT: 'Connection timed out',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  EADDRINUSE: 'Address already in use',
  ENOTSOCK: 'Socket operation on non-socket',
  EPIPE: 'Broken pipe',
};

export function errnoOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/** The strerror text of a Node system error, or its own message for anything else. */
export function errnoText(err: unknown): string {
  return ERRNO_TEXT[errnoOf(err) ?? ''] ?? (err instanceof Error ? err.message : String(err));
}
