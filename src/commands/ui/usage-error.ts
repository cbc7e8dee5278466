import { MqttError } from '../../lib/errors.js';

/**
 * What follows mosquitto's message on stderr: "Use 'mosquitto_pub --help' to see usage." (most
 * mistakes), the whole usage on stdout (pub without topic or message), or nothing.
 */
export type MosquittoFollowUp = 'hint' | 'usage' | 'none';

/** How mosquitto's clients word and lay out a mistake, where that differs from mqt's words. */
export interface MosquittoWording {
  /** The text after "Error: "; mqt's own message when left out. */
  readonly text?: string;
  /**
   * The blank line most of mosquitto's messages end with ("...\n\n"); those checked in the
   * topic, port, QoS and after-reading code paths end with one newline only.
   */
  readonly blankLine?: boolean;
  /** sub's "-R with --retained-only" starts with a blank line. */
  readonly blankLineBefore?: boolean;
  /** What comes before the text: "Error: ", or rr's "Error in PUBLISH properties: ". */
  readonly heading?: string;
  /** No message at all, only what follows (mosquitto_passwd's usage for a wrong argument count). */
  readonly noMessage?: boolean;
  readonly followUp?: MosquittoFollowUp;
}

/**
 * A mistake in how the command was called (unknown flag, missing or bad value, conflicting flags).
 * The report adds the "--help" hint and exits 1, as mosquitto's clients do. `mosquitto` is the
 * wording and layout used when mqt runs under a mosquitto name.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';

  constructor(
    message: string,
    readonly mosquitto: MosquittoWording = { blankLine: true },
  ) {
    super(message);
  }

  /** The same mistake with a prefix (the file and line it came from); mosquitto's words stay. */
  withPrefix(prefix: string): UsageError {
    return new UsageError(`${prefix}${this.message}`, { text: this.mosquitto.text ?? this.message, ...this.mosquitto });
  }
}

/** A message mosquitto ends with a single newline: no blank line before its "Use ... --help". */
export function tight(message: string, text?: string): UsageError {
  return new UsageError(message, text === undefined ? {} : { text });
}

/** A message mosquitto ends with a blank line, with mosquitto's own words where mqt says more. */
export function spaced(message: string, text: string): UsageError {
  return new UsageError(message, { text, blankLine: true });
}

/**
 * Runs a library parser on a command-line value: what the library refuses (an MqttError) is a
 * mistake in the command line, reported with the --help hint.
 */
export function fromCommandLine<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof MqttError) throw new UsageError(err.message);
    throw err;
  }
}
