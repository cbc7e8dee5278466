import { join } from 'node:path';
import { readIfExists } from '../fs/read-if-exists.js';
import { certificatesInPem, inspectCertificate, namesIn } from './inspect.js';
import { ipBytes, ipText, type HostName } from './names.js';

/** A CA and a server certificate for this machine's broker, as `mqt serve --tls` uses them. */
export interface MachineCertificates {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** What had to be made: nothing (all reused), the server certificate, or the CA too. */
  readonly made: 'nothing' | 'server' | 'ca';
}

/** A server certificate this close to its end is replaced rather than reused. */
const RENEW_BEFORE_MS = 7 * 24 * 3600 * 1000;
/** Server certificates made for `--tls` live as long as gen-ca's (Apple's limit). */
const SERVER_DAYS = 825;
const CA_DAYS = 3650;

/**
 * The CA and server certificate in `dir`, reused while the server certificate is valid for a
 * week more and covers every name; otherwise made with gen-ca's library (node-forge, loaded only
 * then), keeping the CA so clients that trust it keep working.
 */
export async function ensureMachineCertificates(dir: string, names: readonly HostName[], now: Date): Promise<MachineCertificates> {
  const files = { caFile: join(dir, 'ca.crt'), certFile: join(dir, 'server.crt'), keyFile: join(dir, 'server.key') };
  const [caPem, caKey, serverPem, serverKey] = await Promise.all([
    readIfExists(files.caFile),
    readIfExists(join(dir, 'ca.key')),
    readIfExists(files.certFile),
    readIfExists(files.keyFile),
  ]);
  if (caPem !== undefined && caKey !== undefined && serverPem !== undefined && serverKey !== undefined && stillGood(serverPem, files.certFile, names, now)) {
    return { ...files, made: 'nothing' };
  }
  const [{ generateCertificates }, { defaultCaName }] = await Promise.all([import('./generate.js'), import('./ca.js')]);
  const set = await generateCertificates({
    dir,
    bits: 2048,
    force: true,
    now,
    ca: { commonName: defaultCaName(), days: CA_DAYS },
    server: { names, days: SERVER_DAYS, keepExisting: false },
    clients: [],
    clientDays: SERVER_DAYS,
  });
  return { ...files, made: set.ca.created ? 'ca' : 'server' };
}

function stillGood(pem: string, label: string, names: readonly HostName[], now: Date): boolean {
  const [first] = certificatesInPem(pem);
  if (first === undefined) return false;
  let covered: Set<string>;
  let notAfter: Date;
  try {
    const { facts } = inspectCertificate(first, label);
    covered = new Set(namesIn(facts));
    notAfter = facts.notAfter;
  } catch {
    // Unreadable: made again below.
    return false;
  }
  if (notAfter.getTime() - now.getTime() < RENEW_BEFORE_MS) return false;
  return coversNames(covered, names);
}

/** Whether a certificate answering to `covered` (namesIn's spelling) answers to every one of `names`. */
export function coversNames(covered: ReadonlySet<string>, names: readonly HostName[]): boolean {
  return names.every((name) => covered.has(name.kind === 'ip' ? ipText(ipBytes(name.text)!) : name.text.toLowerCase()));
}
