import { checkClientName, parseHostName, type HostName } from '../../lib/pki/names.js';
import { DEFAULT_CA_DAYS, parseDays, type GenerateSettings } from '../options/gen-ca.js';
import { defaultExport } from './esm-default.js';

/** What the wizard ended with: settings to run with, or why nothing is to be written. */
export type WizardOutcome = { readonly settings: GenerateSettings } | { readonly declined: true } | { readonly interrupted: true };

/**
 * `mqt gen-ca --interactive`: the names, clients and lifetimes, each prefilled with what the
 * flags (or the defaults) said, checked as typed. inquirer is loaded only here.
 */
export async function askGenerateSettings(settings: GenerateSettings, names: readonly HostName[], newCa: boolean): Promise<WizardOutcome> {
  const input = defaultExport(await import('@inquirer/input'));
  const confirm = defaultExport(await import('@inquirer/confirm'));
  try {
    const nameText = await input({
      message: 'Names the broker is reached by (host names and IP addresses):',
      default: names.map((n) => n.text).join(' '),
      validate: (text) => explain(() => words(text).map(parseHostName), words(text).length > 0 ? undefined : 'Give at least one name.'),
    });
    const clientText = await input({
      message: 'Client certificates to make (names, or nothing):',
      default: settings.clients.join(' '),
      validate: (text) => explain(() => words(text).map(checkClientName)),
    });
    const days = await input({
      message: 'Server and client certificates valid for (days):',
      default: String(settings.days),
      validate: (text) => explain(() => parseDays(text, 'The lifetime')),
    });
    const caDays = newCa
      ? await input({
          message: 'New CA valid for (days):',
          default: String(settings.caDays ?? DEFAULT_CA_DAYS),
          validate: (text) => explain(() => parseDays(text, 'The lifetime')),
        })
      : undefined;
    if (!(await confirm({ message: `Write the files to ${settings.out}?`, default: true }))) return { declined: true };
    return {
      settings: {
        ...settings,
        names: words(nameText).map(parseHostName),
        clients: [...new Set(words(clientText))],
        days: parseDays(days, '--days'),
        caDays: caDays === undefined ? settings.caDays : parseDays(caDays, '--ca-days'),
        interactive: false,
      },
    };
  } catch (err) {
    if (err instanceof Error && err.name === 'ExitPromptError') return { interrupted: true };
    throw err;
  }
}

function words(text: string): string[] {
  return text.split(/[\s,]+/).filter((w) => w !== '');
}

/** inquirer's validate: true, or the text shown under the prompt. */
function explain(check: () => unknown, problem?: string): true | string {
  if (problem !== undefined) return problem;
  try {
    check();
    return true;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
