import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, MqttError } from '../errors.js';
import { refuseLink, writeFileAtomic } from '../fs/atomic-write.js';
import { makeFolders } from '../fs/make-folders.js';
import { errnoOf } from '../errno-text.js';
import { fileError } from '../fs/file-errors.js';
import { readIfExists } from '../fs/read-if-exists.js';
import { createCa, loadCa, type CertificateAuthority } from './ca.js';
import { issueClientCertificate, issueServerCertificate } from './issue.js';
import { generateRsaKey, type KeyPairPem, type RsaBits } from './keys.js';
import { checkClientName, type HostName } from './names.js';

/** What `mqt gen-ca` is asked to make in one folder. */
export interface CertificatePlan {
  readonly dir: string;
  readonly bits: RsaBits;
  /** Replace existing server and client files (an existing CA is always kept). */
  readonly force: boolean;
  readonly now: Date;
  /** Used only when the folder holds no CA yet. */
  readonly ca: { readonly commonName: string; readonly days: number };
  readonly server: {
    readonly names: readonly HostName[];
    readonly days: number;
    /** Only clients were asked for: a server certificate already there stays as it is. */
    readonly keepExisting: boolean;
  };
  readonly clients: readonly string[];
  /** Lifetime of client certificates. */
  readonly clientDays: number;
}

export interface FilePair {
  readonly certFile: string;
  readonly keyFile: string;
  readonly certPem: string;
}

export interface GeneratedSet {
  readonly ca: FilePair & { readonly created: boolean };
  readonly server: FilePair & { readonly kept: boolean };
  readonly clients: readonly (FilePair & { readonly name: string })[];
  readonly warnings: readonly string[];
}

/** Steps worth showing while the keys are made (a spinner's text). */
export type Progress = (step: string) => void;

const KEY_MODE = 0o600;
const CERT_MODE = 0o644;
/**
 * Makes or reuses the CA in `plan.dir`, then the server and client certificates. Every refusal
 * (a file in the way, a CA that cannot sign) happens before any key is made or file written.
 */
export async function generateCertificates(plan: CertificatePlan, progress: Progress = () => undefined): Promise<GeneratedSet> {
  const { dir } = plan;
  const path = (name: string): string => join(dir, name);
  const caFiles = { cert: path('ca.crt'), key: path('ca.key') };
  const serverFiles = { cert: path('server.crt'), key: path('server.key') };
  const clientFiles = plan.clients.map((name) => ({ name: checkClientName(name), cert: path(`${name}.crt`), key: path(`${name}.key`) }));

  const [caCertText, caKeyText, serverCertText, serverKeyExists] = await Promise.all([
    readIfExists(caFiles.cert),
    readIfExists(caFiles.key),
    readIfExists(serverFiles.cert),
    exists(serverFiles.key),
  ]);
  const warnings: string[] = [];
  let reused: CertificateAuthority | undefined;
  if (caCertText !== undefined && caKeyText !== undefined) {
    const loaded = loadCa(caCertText, caKeyText, caFiles, plan.now);
    reused = loaded.ca;
    warnings.push(...loaded.warnings);
  } else if ((caCertText !== undefined || caKeyText !== undefined) && !plan.force) {
    const [present, missing] = caCertText === undefined ? [caFiles.key, caFiles.cert] : [caFiles.cert, caFiles.key];
    throw new MqttError(ErrorCode.FileExists, `${present} exists but ${missing} does not, so the CA cannot be reused.`, {
      remedy: { kind: 'replace', what: 'half-ca' },
    });
  }
  const keepServer = plan.server.keepExisting && serverCertText !== undefined && serverKeyExists;
  const targets = [...(keepServer ? [] : [serverFiles.key, serverFiles.cert]), ...clientFiles.flatMap((c) => [c.key, c.cert])];
  if (!plan.force) await refuseExisting(targets);
  await Promise.all(targets.filter((file) => file.endsWith('.key')).map(refuseLink));

  const keyCount = (reused === undefined ? 1 : 0) + (keepServer ? 0 : 1) + clientFiles.length;
  progress(`Generating ${keyCount} RSA-${plan.bits} key${keyCount === 1 ? '' : 's'}`);
  const [caKeys, serverKeys, ...clientKeys] = await Promise.all([
    reused === undefined ? generateRsaKey(plan.bits) : undefined,
    keepServer ? undefined : generateRsaKey(plan.bits),
    ...clientFiles.map(() => generateRsaKey(plan.bits)),
  ]);

  try {
    makeFolders(dir);
  } catch (err) {
    throw fileError(err, `Unable to create folder ${dir}`);
  }
  progress('Signing certificates');
  const ca = reused ?? createCa(caKeys!, plan.ca.commonName, plan.ca.days, plan.now);
  if (reused === undefined) await writePair(caFiles, ca.certPem, caKeys!, plan.force);
  let serverPem = serverCertText;
  if (!keepServer) {
    serverPem = issueServerCertificate(ca, serverKeys!, plan.server.names, plan.server.days, plan.now).certPem;
    await writePair(serverFiles, serverPem, serverKeys!, plan.force);
  }
  const clients = [];
  for (const [i, client] of clientFiles.entries()) {
    const keys = clientKeys[i]!;
    const { certPem } = issueClientCertificate(ca, keys, client.name, plan.clientDays, plan.now);
    await writePair(client, certPem, keys, plan.force);
    clients.push({ name: client.name, certFile: client.cert, keyFile: client.key, certPem });
  }
  return {
    ca: { certFile: caFiles.cert, keyFile: caFiles.key, certPem: ca.certPem, created: reused === undefined },
    server: { certFile: serverFiles.cert, keyFile: serverFiles.key, certPem: serverPem!, kept: keepServer },
    clients,
    warnings,
  };
}

/** The key first: a certificate on disk without its key would be useless. */
async function writePair(files: { cert: string; key: string }, certPem: string, keys: KeyPairPem, overwrite: boolean): Promise<void> {
  await writeFileAtomic(files.key, keys.privateKeyPem, { mode: KEY_MODE, overwrite, private: true });
  await writeFileAtomic(files.cert, certPem, { mode: CERT_MODE, overwrite });
}

async function refuseExisting(files: readonly string[]): Promise<void> {
  const present = await Promise.all(files.map(exists));
  const first = files.find((_, i) => present[i]);
  if (first !== undefined) {
    throw new MqttError(ErrorCode.FileExists, `${first} exists already.`, { remedy: { kind: 'replace', what: 'files' } });
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return false;
    throw fileError(err, `Unable to read ${file}`);
  }
}
