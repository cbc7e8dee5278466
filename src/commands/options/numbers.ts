import { UsageError } from '../ui/usage-error.js';

/** The error for a bad number: a message, or a UsageError that carries mosquitto's layout too. */
export type NumberError = (text: string) => string | UsageError;

function refuse(error: NumberError, text: string): UsageError {
  const made = error(text);
  return typeof made === 'string' ? new UsageError(made) : made;
}

/**
 * Whole decimal numbers only: mosquitto reads numbers with atoi, so "-q abc" silently became QoS 0
 * and "-p junk" a unix socket. Here junk is an error that names the flag's message.
 */
export function parseInteger(text: string, min: number, max: number, error: NumberError): number {
  if (!/^-?\d+$/.test(text.trim())) throw refuse(error, text);
  const value = Number(text.trim());
  if (value < min || value > max) throw refuse(error, text);
  return value;
}

export function parseDecimal(text: string, min: number, max: number, error: NumberError): number {
  if (!/^\d+(\.\d*)?$|^\.\d+$/.test(text.trim())) throw refuse(error, text);
  const value = Number(text.trim());
  if (value < min || value > max) throw refuse(error, text);
  return value;
}
