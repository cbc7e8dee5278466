/**
 * How a command was started: `mqt pub`, or `mosquitto_pub` through a link to mqt's launcher.
 * Under a mosquitto name a command speaks as mosquitto 2.1's client does (usage errors, --help
 * and --version exit 1, mosquitto_pub's options file), so scripts written for it need no edit.
 */
export interface Program {
  readonly command: string;
  readonly mosquitto: boolean;
}

/** What the launcher passes to a command's run() besides its arguments. */
export interface Invocation {
  readonly mosquitto?: boolean;
}

export function programOf(command: string, invocation: Invocation = {}): Program {
  return { command, mosquitto: invocation.mosquitto === true };
}

/** The name the user typed: "mosquitto_sub" or "mqt sub". */
export function programName(program: Program): string {
  return program.mosquitto ? `mosquitto_${program.command}` : `mqt ${program.command}`;
}
