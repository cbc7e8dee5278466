import { homedir, hostname } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { isIP } from 'node:net';
import type { MachineCertificates } from '../../lib/pki/machine-certs.js';
import { defaultHostNames, parseHostName, parseIpAddress, uniqueHostNames, type HostName } from '../../lib/pki/names.js';
import { lanAddresses } from './lan-addresses.js';
import { shellWord } from './shell-word.js';

/** `mqt serve --tls`: where its listener is and the files it uses. */
export interface ServeTls extends MachineCertificates {
  readonly port: number;
  readonly dir: string;
  readonly names: readonly HostName[];
}

/** $XDG_STATE_HOME/mqt/tls, or ~/.local/state/mqt/tls (the XDG default) when it is unset or relative. */
function defaultTlsDir(): string {
  const state = process.env.XDG_STATE_HOME;
  return join(state !== undefined && isAbsolute(state) ? state : join(homedir(), '.local', 'state'), 'mqt', 'tls');
}

/** The names clients may use: this machine's local ones, and what --bind opens it to. */
function namesFor(bind: string | undefined): HostName[] {
  const names = defaultHostNames(hostname());
  if (bind === '0.0.0.0' || bind === '::') names.push(...lanAddresses().map(parseIpAddress));
  else if (bind !== undefined) names.push(isIP(bind) === 0 ? parseHostName(bind) : parseIpAddress(bind));
  return uniqueHostNames(names);
}

/** Makes or reuses the CA and server certificate of --tls; node-forge is loaded only to make them. */
export async function prepareServeTls(tls: { port: number; dir: string | undefined }, bind: string | undefined): Promise<ServeTls> {
  // Absolute, so that the printed --cafile works from any folder.
  const dir = resolve(tls.dir ?? defaultTlsDir());
  const names = namesFor(bind);
  const { ensureMachineCertificates } = await import('../../lib/pki/machine-certs.js');
  const files = await ensureMachineCertificates(dir, names, new Date());
  return { ...files, port: tls.port, dir, names };
}

const MADE: Readonly<Record<MachineCertificates['made'], string>> = {
  nothing: 'reused from',
  server: 'server certificate renewed in',
  ca: 'CA and server certificate made in',
};

/** What a client needs to reach the --tls listener, with a command line that works as printed. */
export function serveTlsSummary(tls: ServeTls): string {
  const names = tls.names.map((n) => n.text).join(', ');
  const sub = `mqt sub --cafile ${shellWord(tls.caFile)} -p ${tls.port} -t '#' -v`;
  return [
    `mqt serve: TLS on port ${tls.port} for ${names}; ${MADE[tls.made]} ${tls.dir}.`,
    `Clients trust it with --cafile ${tls.caFile} (mosquitto_sub/pub take the same flags): ${sub}`,
  ].join('\n');
}
