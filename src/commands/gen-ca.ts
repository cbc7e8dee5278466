import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { ErrorCode, MqttError } from '../lib/errors.js';
import { fileError } from '../lib/fs/file-errors.js';
import { defaultHostNames, uniqueHostNames } from '../lib/pki/names.js';
import { indexFlags } from './options/argv.js';
import {
  DEFAULT_CA_DAYS,
  genCaOptionGroups,
  resolveGenCa,
  type CheckSettings,
  type GenerateSettings,
} from './options/gen-ca.js';
import { settingsFromArgv } from './ui/command-args.js';
import { ExitCode } from './ui/exit-codes.js';
import { lanAddresses } from './ui/lan-addresses.js';
import { printWarning, reportError } from './ui/report.js';
import { startSpinner } from './ui/spinner.js';
import { UsageError } from './ui/usage-error.js';


const byFlag = indexFlags(genCaOptionGroups);

/** Apple platforms refuse TLS server certificates that live longer. */
const APPLE_MAX_DAYS = 825;
/** What the shell reports for a run ended by Ctrl-C. */
const INTERRUPTED = 130;

/** `mqt gen-ca`: a CA, a server certificate every MQTT stack accepts, client certificates; or --check one. */
export async function run(argv: readonly string[]): Promise<number> {
  const parsed = await settingsFromArgv('gen-ca', argv, byFlag, resolveGenCa);
  if ('exitCode' in parsed) return parsed.exitCode;
  try {
    const settings = parsed.settings;
    return settings.mode === 'check' ? await check(settings) : await generate(settings);
  } catch (err) {
    return reportError(err, 'gen-ca');
  }
}

async function generate(flags: GenerateSettings): Promise<number> {
  let settings = flags;
  const caExists = existsSync(join(settings.out, 'ca.crt')) && existsSync(join(settings.out, 'ca.key'));
  if (settings.interactive) {
    if (!process.stdin.isTTY || !process.stdout.isTTY) throw new UsageError('--interactive needs a terminal.');
    const { askGenerateSettings } = await import('./ui/gen-ca-wizard.js');
    const outcome = await askGenerateSettings(settings, settings.names ?? defaultHostNames(hostname()), !caExists);
    if ('interrupted' in outcome) return INTERRUPTED;
    if ('declined' in outcome) {
      process.stderr.write('Nothing written.\n');
      return ExitCode.Ok;
    }
    settings = outcome.settings;
  }
  const names = uniqueHostNames(settings.names ?? defaultHostNames(hostname()));
  // node-forge is loaded here, not at start-up: --help and --check never need it.
  const [{ generateCertificates }, { defaultCaName }, { summarize, summaryText }] = await Promise.all([
    import('../lib/pki/generate.js'),
    import('../lib/pki/ca.js'),
    import('./ui/pki-summary.js'),
  ]);
  const spinner = await startSpinner();
  let set;
  try {
    set = await generateCertificates(
      {
        dir: settings.out,
        bits: settings.bits,
        force: settings.force,
        now: new Date(),
        ca: { commonName: settings.caCommonName ?? defaultCaName(), days: settings.caDays ?? DEFAULT_CA_DAYS },
        server: { names, days: settings.days, keepExisting: settings.clients.length > 0 && settings.names === undefined },
        clients: settings.clients,
        clientDays: settings.days,
      },
      (step) => spinner.text(step),
    );
  } finally {
    spinner.stop();
  }
  const warnings: string[] = [];
  if (!set.server.kept && settings.days > APPLE_MAX_DAYS) {
    warnings.push(`Apple devices refuse server certificates valid for more than ${APPLE_MAX_DAYS} days.`);
  }
  if (!set.ca.created && (settings.caDays !== undefined || settings.caCommonName !== undefined)) {
    warnings.push(`The CA in ${set.ca.certFile} was reused: --ca-days and --ca-cn only shape a new CA.`);
  }
  const summary = summarize(settings.out, set, warnings, settings.arduino);
  for (const warning of summary.warnings) printWarning(warning, false);
  const lan = settings.names === undefined ? lanAddresses() : [];
  process.stdout.write(settings.json ? `${JSON.stringify(summary, null, 2)}\n` : summaryText(summary, lan));
  return ExitCode.Ok;
}

async function check(settings: CheckSettings): Promise<number> {
  const [{ inspectCertificate, certificatesInPem }, { checkCertificate }, { explainText, noteText }] = await Promise.all([
    import('../lib/pki/inspect.js'),
    import('../lib/pki/check.js'),
    import('./ui/cert-explain.js'),
  ]);
  const load = async (file: string) => {
    const [first] = certificatesInPem(await readText(file));
    if (first === undefined) throw new MqttError(ErrorCode.InvalidCertificate, `${file} holds no PEM certificate.`);
    return inspectCertificate(first, file);
  };
  const caFile = settings.ca ?? besideCa(settings.cert);
  const cert = await load(settings.cert);
  const ca = caFile === undefined ? undefined : await load(caFile);
  const now = new Date();
  const report = checkCertificate({ cert, ...(ca === undefined ? {} : { ca }), hosts: settings.hosts, now });
  process.stdout.write(settings.json ? `${JSON.stringify({ file: settings.cert, caFile, ...report, notes: report.notes.map(noteText) }, null, 2)}\n` : explainText(report, settings.cert, caFile, now));
  return ExitCode.Ok;
}

/** gen-ca writes ca.crt beside server.crt: checking one of its certificates finds the CA without --ca. */
function besideCa(certFile: string): string | undefined {
  const candidate = join(dirname(certFile), 'ca.crt');
  return basename(certFile) !== 'ca.crt' && existsSync(candidate) && resolve(candidate) !== resolve(certFile) ? candidate : undefined;
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw fileError(err, `Unable to read ${file}`);
  }
}
