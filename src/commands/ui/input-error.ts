/**
 * Input typed or piped in that cannot be used (mosquitto_passwd's "Passwords do not match.",
 * exit 2). The report prints "Error: " and the message, and exits with `exitCode`.
 */
export class InputError extends Error {
  override readonly name = 'InputError';

  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}
