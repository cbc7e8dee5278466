/**
 * printf(3)'s field rules as mosquitto_sub applies them to -F specifiers, on bytes: widths and
 * precisions count bytes, as printf's do for C strings.
 */
export interface Field {
  /** '-' flag: pad on the right. */
  readonly left: boolean;
  /** '0' flag: pad numbers (and %p, %x, absent properties) with zeros. Ignored with '-'. */
  readonly zero: boolean;
  /** Minimum width; 0 for none. */
  readonly width: number;
  /** -1 for none. */
  readonly precision: number;
  /** mosquitto 2.1's hex group separator (%.2:x), a space by default. */
  readonly separator: string;
}

const SPACES = Buffer.alloc(256, ' ');
const ZEROS = Buffer.alloc(256, '0');

/** `count` pad characters, without allocating for the usual small widths. */
export function padding(char: ' ' | '0', count: number): Buffer {
  if (count <= SPACES.length) return (char === ' ' ? SPACES : ZEROS).subarray(0, count);
  return Buffer.alloc(count, char);
}

/** The pad character of a field: zeros only with '0' and without '-'. */
export function padChar(field: Field): ' ' | '0' {
  return field.zero && !field.left ? '0' : ' ';
}

/** Pads `body` to the field's width with `pad` (spaces after it with '-'); never truncates. */
export function pushPadded(body: Buffer, field: Field, pad: ' ' | '0', into: Buffer[]): void {
  const missing = field.width - body.length;
  if (missing <= 0) into.push(body);
  else if (field.left) into.push(body, padding(' ', missing));
  else into.push(padding(pad, missing), body);
}

/** printf's %s with width and precision: the precision cuts the bytes, the width pads with spaces. */
export function pushText(bytes: Buffer, field: Field, into: Buffer[]): void {
  const body = field.precision >= 0 && bytes.length > field.precision ? bytes.subarray(0, field.precision) : bytes;
  pushPadded(body, field, ' ', into);
}

/** printf's %d with '-', '0' and width (mosquitto ignores a precision on integers). */
export function formatInteger(value: number, field: Field): string {
  const text = String(value);
  if (text.length >= field.width) return text;
  if (field.left) return text.padEnd(field.width);
  return field.zero ? text.padStart(field.width, '0') : text.padStart(field.width);
}

/**
 * printf's %.*f, digit for digit as glibc prints it: the exact binary value rounded half to even
 * (Number#toFixed rounds 0.125 to 0.13 where printf gives 0.12, and switches to exponents above
 * 1e21). `negative` is the sign bit, so that -0 and negative NaN print as glibc prints them.
 */
export function formatFixed(value: number, negative: boolean, field: Field): string {
  const sign = negative ? '-' : '';
  if (!Number.isFinite(value)) {
    const text = sign + (Number.isNaN(value) ? 'nan' : 'inf');
    return field.left ? text.padEnd(field.width) : text.padStart(field.width);
  }
  const digits = fixedDigits(Math.abs(value), field.precision < 0 ? 6 : field.precision);
  if (sign.length + digits.length >= field.width) return sign + digits;
  if (field.left) return (sign + digits).padEnd(field.width);
  return field.zero ? sign + digits.padStart(field.width - sign.length, '0') : (sign + digits).padStart(field.width);
}

function fixedDigits(magnitude: number, precision: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, magnitude);
  const high = view.getUint32(0);
  const exponentBits = (high >>> 20) & 0x7ff;
  const fraction = (BigInt(high & 0xfffff) << 32n) | BigInt(view.getUint32(4));
  // magnitude = mantissa * 2^exponent exactly (subnormals have no implicit leading 1).
  const mantissa = exponentBits === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (exponentBits === 0 ? 1 : exponentBits) - 1075;
  const scaled = mantissa * 10n ** BigInt(precision);
  let units: bigint;
  if (exponent >= 0) {
    units = scaled << BigInt(exponent);
  } else {
    const divisor = 1n << BigInt(-exponent);
    units = scaled / divisor;
    const twiceRest = (scaled % divisor) * 2n;
    if (twiceRest > divisor || (twiceRest === divisor && (units & 1n) === 1n)) units += 1n;
  }
  const text = units.toString().padStart(precision + 1, '0');
  return precision === 0 ? text : `${text.slice(0, -precision)}.${text.slice(-precision)}`;
}
