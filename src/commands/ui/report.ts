import { ErrorCode, MqttError, TlsError, type TlsProblem } from '../../lib/errors.js';
import { ReasonCode } from '../../lib/protocol/reason-codes.js';
import { loadChalk, wantsColour } from './colour.js';
import { ExitCode } from './exit-codes.js';
import { InputError } from './input-error.js';
import { remedyText } from './remedies.js';
import { programName, type Program } from './program.js';
import { UsageError, type MosquittoWording } from './usage-error.js';

/**
 * The one place an error becomes a line of text and an exit code. Usage errors ignore --quiet
 * (a script must learn it called us wrong); runtime errors respect it.
 */
export async function reportError(err: unknown, command: string | Program, quiet = false): Promise<number> {
  const program = typeof command === 'string' ? { command, mosquitto: false } : command;
  if (err instanceof UsageError) {
    if (program.mosquitto) await reportAsMosquitto(err, program);
    else await printLines(`Error: ${err.message}`, `Use '${programName(program)} --help' to see usage.`);
    return ExitCode.Failure;
  }
  if (err instanceof InputError) {
    await printLines(`Error: ${err.message}`);
    return err.exitCode;
  }
  if (!quiet) {
    await printLines(errorText(err, program), hintLine(err));
  }
  return exitCodeFor(err);
}

/** The library's hint, or the words for its remedy: "Hint: ...", ending in a full stop. */
function hintLine(err: unknown): string | undefined {
  if (!(err instanceof MqttError) || remedyInline(err)) return undefined;
  const hint = err.hint ?? (err.remedy === undefined ? undefined : remedyText(err.remedy));
  return hint === undefined ? undefined : `Hint: ${hint}${/[.?!]$/.test(hint) ? '' : '.'}`;
}

/** Byte for byte as mosquitto's clients lay a usage error out: blank lines, hint, or the usage. */
async function reportAsMosquitto(err: UsageError, program: Program): Promise<void> {
  // mosquitto_passwd's mistakes are one line each, with no hint.
  const layout: MosquittoWording =
    program.command === 'passwd' ? { ...err.mosquitto, blankLine: false, followUp: err.mosquitto.followUp === 'usage' ? 'usage' : 'none' } : err.mosquitto;
  const { text = err.message, heading = 'Error: ', blankLine = false, blankLineBefore = false, followUp = 'hint' } = layout;
  const hint = followUp === 'hint' ? `\nUse '${programName(program)} --help' to see usage.\n` : '';
  if (layout.noMessage !== true) process.stderr.write(`${blankLineBefore ? '\n' : ''}${heading}${text}\n${blankLine ? '\n' : ''}${hint}`);
  if (followUp === 'usage') {
    const { showCommandHelp } = await import('./help.js');
    await showCommandHelp(program.command, false, program);
  }
}

/** mosquitto's wording: "Connection error: ..." for refusals, bare "Timed out", "Error: ..." otherwise. */
function errorText(err: unknown, program: Program): string {
  if (!(err instanceof MqttError)) return `Error: ${err instanceof Error ? err.message : String(err)}`;
  if (err instanceof TlsError) return `Error: ${errorMessage(err)}`;
  if (err.code === ErrorCode.ConnectionRefused) return `Connection error: ${err.message}${versionAdvice(err, program)}`;
  if (err.code === ErrorCode.Timeout || err.message.startsWith('Unable to connect')) return err.message;
  if (remedyInline(err)) return `Error: ${err.message.replace(/\.$/, '')} (${remedyText(err.remedy!)}).`;
  return `Error: ${err.message}`;
}

/** mosquitto's clients follow an MQTT 5 refusal of the protocol version with what to do instead. */
function versionAdvice(err: MqttError, program: Program): string {
  if (err.reasonCode !== ReasonCode.UnsupportedProtocolVersion) return '';
  if (program.command === 'rr') return `. ${programName(program)} only supports connecting to an MQTT v5 broker`;
  return program.command === 'pub' || program.command === 'sub' ? '. Try connecting to an MQTT v5 broker, or use MQTT v3.x mode.' : '';
}

/** A listener that cannot open is one line, what to do in brackets: serve's start-up ends there. */
function remedyInline(err: MqttError): boolean {
  return err.code === ErrorCode.ListenFailed && err.remedy !== undefined;
}

/** The text of an error without mosquitto's prefix: for mqt bench, which counts errors by their text. */
export function errorMessage(err: unknown): string {
  if (err instanceof TlsError) return tlsText(err.problem);
  return err instanceof Error ? err.message : String(err);
}

/** A failed TLS connection in one line a student can act on: what is wrong, and which flag helps. */
function tlsText(problem: TlsProblem): string {
  const cert = "TLS: the broker's certificate";
  switch (problem.kind) {
    case 'wrong-name':
      return problem.names.length === 0
        ? `${cert} names no host at all, so it cannot cover "${problem.host}".`
        : `${cert} does not cover "${problem.host}"; it covers ${problem.names.join(', ')} (connect with one of those names, or --sni NAME).`;
    case 'unknown-ca':
      return `${cert} is signed by "${problem.issuer}", a CA mqt does not trust: pass that CA's certificate with --cafile FILE.`;
    case 'self-signed':
      return `${cert} ("${problem.subject}") is self-signed, no CA vouches for it: trust it with --cafile FILE (the certificate itself), or skip the checks with --insecure.`;
    case 'expired':
      return `${cert} expired on ${day(problem.notAfter)}: the broker needs a new one (or this computer's clock is wrong).`;
    case 'not-yet-valid':
      return `${cert} is not valid before ${day(problem.notBefore)}: is this computer's clock right?`;
    case 'untrusted':
      return `${cert} was not accepted (${problem.reason}); --insecure skips the checks.`;
    case 'psk-refused':
      return `TLS-PSK: the broker refused identity "${problem.identity}" with this key: check --psk-identity and --psk against the broker's psk_file.`;
    case 'psk-not-offered':
      return 'TLS-PSK: this port answered with a certificate, not PSK (mosquitto ignores psk_hint on a listener with certfile): use the PSK listener\'s port.';
    case 'version':
      return problem.version === undefined
        ? 'TLS: the broker and mqt have no TLS version in common (mqt speaks TLS 1.2 and 1.3).'
        : `TLS: the broker does not speak ${problem.version.replace('TLSv', 'TLS ')}: try the other --tls-version, or leave it out.`;
    case 'not-tls':
      return 'TLS: the broker closed the connection during the TLS handshake: no TLS on this port? (plain MQTT is usually on 1883, TLS on 8883)';
    case 'client-cert-required':
      return 'TLS: the broker wants a client certificate (require_certificate): pass --cert FILE --key FILE.';
    case 'client-cert-refused':
      return "TLS: the broker refused our client certificate: is it signed by the CA of the broker's cafile, and still valid?";
    case 'handshake-refused':
      return problem.clientCert
        ? 'TLS: the broker refused the handshake: no cipher in common (see --ciphers)?'
        : 'TLS: the broker refused the handshake: does it want a client certificate (--cert, --key), or share no cipher with mqt (--ciphers)?';
    case 'alpn-refused':
      return `TLS: the broker speaks none of the ALPN protocols asked for (${problem.protocols.join(', ')}).`;
    case 'other':
      return `TLS: the handshake failed: ${problem.reason}.`;
  }
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function exitCodeFor(err: unknown): number {
  if (!(err instanceof MqttError)) return ExitCode.Failure;
  switch (err.code) {
    case ErrorCode.ConnectionRefused:
    case ErrorCode.PublishRefused:
    case ErrorCode.SubscribeRefused:
      return err.reasonCode !== undefined && err.reasonCode > 0 && err.reasonCode < 256 ? err.reasonCode : ExitCode.Failure;
    case ErrorCode.Timeout:
      return ExitCode.Timeout;
    case ErrorCode.ProtocolError:
      return ExitCode.ProtocolError;
    case ErrorCode.KeepaliveTimeout:
      return ExitCode.Keepalive;
    default:
      return ExitCode.Failure;
  }
}

async function printLines(line: string, hint?: string): Promise<void> {
  if (!wantsColour(process.stderr)) {
    process.stderr.write(`${line}\n${hint === undefined ? '' : `${hint}\n`}`);
    return;
  }
  const chalk = await loadChalk();
  const coloured = line.replace(/^(Error|Connection error):/, (m) => chalk.red.bold(m));
  process.stderr.write(`${coloured}\n${hint === undefined ? '' : `${chalk.dim(hint)}\n`}`);
}

/** A warning that does not stop the command (mosquitto's "Warning: Publish 1 failed: ..."). */
export function printWarning(text: string, quiet: boolean): void {
  if (!quiet) process.stderr.write(`Warning: ${text}\n`);
}
