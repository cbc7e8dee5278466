import { UsageError } from '../ui/usage-error.js';

/**
 * Whole decimal numbers only: mosquitto reads numbers with atoi, so "-q abc" silently became QoS 0
 * and "-p junk" a unix socket. Here junk is an error that names the flag's message.
 */
export function parseInteger(text: string, min: number, max: number, message: (text: string) => string): number {
  if (!/^-?\d+$/.test(text.trim())) throw new UsageError(message(text));
  const value = Number(text.trim());
  if (value < min || value > max) throw new UsageError(message(text));
  return value;
}

export function parseDecimal(text: string, min: number, max: number, message: (text: string) => string): number {
  if (!/^\d+(\.\d*)?$|^\.\d+$/.test(text.trim())) throw new UsageError(message(text));
  const value = Number(text.trim());
  if (value < min || value > max) throw new UsageError(message(text));
  return value;
}
