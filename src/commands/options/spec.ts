/**
 * One row per flag. The argv reader and the --help text are both built from these rows, so a flag
 * is declared once (the man pages describe the same rows in prose).
 */
export interface OptionSpec {
  /** Key in the parsed result. */
  readonly key: string;
  /** Every spelling, short first: ['-t', '--topic']. */
  readonly flags: readonly string[];
  /**
   * How many values follow the flag: 0 for switches; 'property' for -D, which takes
   * "command name value" or "command user-property key value".
   */
  readonly arity: 0 | 1 | 'property';
  /** The noun of mosquitto's "-t argument given but no topic specified" message. */
  readonly noun?: string;
  /** The spelling mosquitto's "... argument given but no ..." names, where not the first (-V's). */
  readonly mosquittoFlag?: string;
  /** The whole message for a missing value, where the tool words it otherwise (mosquitto_passwd). */
  readonly missingValue?: string;
  /**
   * A switch (arity 0) that takes a value when the next argument matches (serve's `--web [PORT]`),
   * or as `--flag=value`; without one its value is ''.
   */
  readonly optionalValue?: RegExp;
  /** The flag may end the command line without its value: `-P` alone then prompts for it. */
  readonly valueMayBeLeftOut?: boolean;
  /** Placeholder for the value in help text. */
  readonly valueName?: string;
  /** Values accumulate instead of the last one winning (sub's -t, -T, -U). */
  readonly repeat?: boolean;
  /** The value is a secret: an options file holding it should be readable by its owner only. */
  readonly secret?: boolean;
  /**
   * Keys of the flags this one is an alternative to (-P for --pw-env, -L for -h): given on the
   * command line, it sets aside what options files gave for them as well as for itself.
   */
  readonly replaces?: readonly string[];
  /**
   * Checks the value (or -D's words) as soon as it is read, as mosquitto's clients do: the first
   * bad value on the line is the one reported, before any "missing topic". Throws a UsageError.
   */
  readonly check?: (values: readonly string[]) => void;
  /** Flags this one cannot follow on the same line (-i after -I, a second message source). */
  readonly conflicts?: { readonly keys: readonly string[]; readonly error: () => Error };
  /** --help, --version: what follows is not read, as in mosquitto. */
  readonly endsReading?: boolean;
  readonly describe: string;
}

/** A titled list of flags; a command is a sum of groups. */
export interface OptionGroup {
  readonly title: string;
  readonly options: readonly OptionSpec[];
}
