/**
 * mosquitto 2.0 directives mqt serve does not read yet. A config that uses one fails with a line
 * saying so, instead of "unknown" (it is not a typo) or being silently ignored (the broker would
 * not be the one the file describes).
 */
const NOT_YET = [
  'tls_engine',
  'tls_engine_kpass_sha1',
];

const NOT_YET_SET = new Set(NOT_YET);

/** Why a mosquitto directive is refused, or undefined for a name mosquitto does not know either. */
export function unsupportedReason(name: string): string | undefined {
  if (NOT_YET_SET.has(name)) {
    return `${name} is not supported by mqt serve yet.`;
  }
  return undefined;
}

/**
 * Why a directive's value is refused when only its default is supported (`memory_limit 0`,
 * `bridge_require_ocsp false`): a config that spells the default out works as on mosquitto.
 */
export function unsupportedValueReason(name: string, value: string): string {
  return `${name} ${value} is not supported by mqt serve yet.`;
}
