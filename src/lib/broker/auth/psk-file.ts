import { readFileSync } from 'node:fs';
import { errnoText } from '../../errno-text.js';
import { ErrorCode, MqttError } from '../../errors.js';
import { identityOf, keyOf } from '../../psk/file.js';

/**
 * A mosquitto psk_file as a PSK listener uses it: `identity:hexkey` lines read by the same line
 * rules as `mqt gen-psk` writes them (src/lib/psk/file.ts). As in mosquitto, a key that is not
 * hexadecimal stops the broker from starting, and a line with an empty key is skipped.
 */
export class PskFile {
  readonly path: string;
  #table: ReadonlyMap<string, Buffer>;

  private constructor(path: string, table: ReadonlyMap<string, Buffer>) {
    this.path = path;
    this.#table = table;
  }

  static load(path: string): PskFile {
    return new PskFile(path, readTable(path));
  }

  /**
   * Reads the file again (SIGHUP); on failure the old keys stay in force and the error is thrown.
   * Synchronous, so that no handshake after the signal is judged by the old keys.
   */
  reload(): void {
    this.#table = readTable(this.path);
  }

  /** The key of `identity`, or undefined for an identity the file does not have. */
  keyOf(identity: string): Buffer | undefined {
    return this.#table.get(identity);
  }
}

function readTable(path: string): Map<string, Buffer> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new MqttError(ErrorCode.InvalidFile, `Unable to open psk_file ${path}: ${errnoText(err)}.`, { cause: err });
  }
  const table = new Map<string, Buffer>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const identity = identityOf(lines[i]!);
    if (identity === undefined) continue;
    const key = keyOf(lines[i]!);
    if (key === '') continue;
    if (!/^[0-9a-f]+$/i.test(key)) {
      throw new MqttError(ErrorCode.InvalidFile, `${path}:${i + 1}: the key of identity "${identity}" contains non-hexadecimal characters.`);
    }
    // mosquitto reads the hex as a number, so an odd-length key gets a leading zero: abc is 0a bc.
    table.set(identity, Buffer.from(key.length % 2 === 0 ? key : `0${key}`, 'hex'));
  }
  return table;
}
