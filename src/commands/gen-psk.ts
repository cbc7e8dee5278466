import { resolve } from 'node:path';
import { esp32PskLine } from '../lib/output/board-snippets.js';
import { PSK_PORT, pskListenerLines } from '../lib/output/broker-config.js';
import { updatePskFile, type PskEntry, type PskUpdate } from '../lib/psk/file.js';
import { ESP32_MAX_PSK_BYTES, randomKeyHex } from '../lib/psk/generate.js';
import { indexFlags } from './options/argv.js';
import { genPskOptionGroups, resolveGenPsk, type GenPskSettings } from './options/gen-psk.js';
import { settingsFromArgv } from './ui/command-args.js';
import { ExitCode } from './ui/exit-codes.js';
import { printWarning, reportError } from './ui/report.js';
import { chownHintIfNeeded } from './ui/service-user.js';
import { shellWord } from './ui/shell-word.js';


const byFlag = indexFlags(genPskOptionGroups);

/** Shown to TLS 1.2 clients only; any text does, mosquitto just needs one to turn PSK on. */
const PSK_HINT = 'mqt';
/** Where the printed configuration points when no --file was given: Debian's configuration folder. */
const EXAMPLE_PSK_FILE = '/etc/mosquitto/psk_file';

/** `mqt gen-psk`: psk_file lines (printed, or written into the broker's file) and the lines that use them. */
export async function run(argv: readonly string[]): Promise<number> {
  const parsed = await settingsFromArgv('gen-psk', argv, byFlag, resolveGenPsk, { positionals: true, interleaved: true });
  if ('exitCode' in parsed) return parsed.exitCode;
  const settings = parsed.settings;
  try {
    const entries = settings.identities.map((identity) => ({ identity, key: settings.key ?? randomKeyHex(settings.bytes) }));
    const update = settings.file === undefined ? undefined : await updatePskFile(settings.file, entries, settings.force);
    const keyBytes = (entries[0]?.key.length ?? 0) / 2;
    if (keyBytes > ESP32_MAX_PSK_BYTES) {
      printWarning(`ESP32 boards take keys of at most ${ESP32_MAX_PSK_BYTES} bytes; this one has ${keyBytes}.`, false);
    }
    const output = describe(settings, entries, update);
    process.stdout.write(settings.json ? `${JSON.stringify(output, null, 2)}\n` : outputText(output));
    return ExitCode.Ok;
  } catch (err) {
    return reportError(err, 'gen-psk');
  }
}

interface GenPskOutput {
  readonly entries: readonly PskEntry[];
  readonly file: string | undefined;
  readonly update: PskUpdate | undefined;
  readonly mosquittoConf: readonly string[];
  readonly test: string;
  readonly arduino?: string;
}

function describe(settings: GenPskSettings, entries: readonly PskEntry[], update: PskUpdate | undefined): GenPskOutput {
  const [first] = entries;
  const test = `mqt sub --psk ${first?.key ?? ''} --psk-identity ${shellWord(first?.identity ?? '')} -h localhost -p ${PSK_PORT} -t '#' -d`;
  return {
    entries,
    file: settings.file,
    update,
    mosquittoConf: pskListenerLines(settings.file === undefined ? EXAMPLE_PSK_FILE : resolve(settings.file), PSK_HINT),
    test,
    ...(settings.arduino ? { arduino: entries.map((e) => esp32PskLine(e.identity, e.key)).join('\n') } : {}),
  };
}

/** The psk_file lines first, alone on their lines, so that `| head -n 1 >> psk_file` works. */
function outputText(output: GenPskOutput): string {
  const lines = output.entries.map((e) => `${e.identity}:${e.key}`);
  lines.push('', output.file === undefined ? "Add these lines to the broker's psk_file." : fileReport(output.file, output.update!));
  lines.push(
    '',
    'mosquitto.conf (a listener of its own: mosquitto ignores PSK on a listener with certfile/keyfile):',
    ...output.mosquittoConf.map((l) => `  ${l}`),
    // The file is 0600: a mosquitto service, which drops to its own user, must own it to read it.
    ...(output.file === undefined ? [] : chownHintIfNeeded('the psk_file', output.file)),
    '',
    'Test (the broker restarted with these lines):',
    `  ${output.test}`,
  );
  if (output.arduino !== undefined) {
    lines.push('', 'ESP32 (WiFiClientSecure):', ...output.arduino.split('\n').map((l) => `  ${l}`), 'ESP8266 (BearSSL) has no TLS-PSK: use mqt gen-ca certificates there.');
  }
  return `${lines.join('\n')}\n`;
}

function fileReport(file: string, update: PskUpdate): string {
  const parts = [
    update.added.length > 0 ? `added ${update.added.join(', ')}` : undefined,
    update.replaced.length > 0 ? `new key for ${update.replaced.join(', ')}` : undefined,
    update.unchanged.length > 0 ? `unchanged ${update.unchanged.join(', ')}` : undefined,
  ].filter((p) => p !== undefined);
  return `${update.created ? 'Created' : 'Updated'} ${file}: ${parts.join('; ')} (${update.total} ${update.total === 1 ? 'identity' : 'identities'} in all).`;
}
