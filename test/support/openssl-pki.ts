import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, writeFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { join } from 'node:path';
import { runFolder } from './run-folder.js';
import { runTool } from './spawn.js';

/** Files made the way the tutorials make them, with the openssl command. Shared: read, never write. */
export interface OpensslPki {
  ca: string;
  /** Another CA, which signed nothing here. */
  otherCa: string;
  /** SAN DNS:localhost, IP:127.0.0.1. */
  server: { cert: string; key: string };
  /** SAN DNS:broker.test only. */
  elsewhere: { cert: string; key: string };
  /** Valid in January 2020 only. */
  expired: { cert: string; key: string };
  /** Signed by its own key, CN=localhost. */
  selfSigned: { cert: string; key: string };
  /** CN=device7, the key also encrypted as clientEncryptedKey with the passphrase "sesame". */
  client: { cert: string; key: string };
  clientEncryptedKey: string;
  /** A client certificate (CN=stolen) that `crl` revokes. */
  revoked: { cert: string; key: string };
  /** The CA's revocation list, valid for two days. */
  crl: string;
  /** A second level: `intermediate` (CN=Test Intermediate CA) signed by `ca`, with `ca` in one file. */
  chain: { intermediate: string; bundle: string };
  /** CN=device8 and CN=stolen8, signed by the intermediate; its CRL revokes stolen8. */
  chainClient: { cert: string; key: string };
  chainRevoked: { cert: string; key: string };
  /** Every CRL of the two levels in one file: `ca`'s first, then the intermediate's. */
  chainCrl: string;
}

let made: Promise<OpensslPki> | undefined;

/** How long a worker waits for another's PKI: making one takes a few seconds of openssl. */
const MAKE_WAIT_MS = 60_000;

/**
 * The PKI of this test run, made with `openssl` the first time a test file asks for it and then
 * reused by every file (RSA keys take a while). The first parallel worker to ask makes it, under a
 * lock folder; the others wait for it to appear (it is moved into place whole, so existing means
 * ready) instead of each making one of their own.
 */
export function opensslPki(openssl: string): Promise<OpensslPki> {
  made ??= (async () => {
    const shared = join(runFolder(), 'openssl-pki');
    const [lock, failed] = [`${shared}.lock`, `${shared}.failed`];
    if (!(await takeLock(lock))) {
      const deadline = Date.now() + MAKE_WAIT_MS;
      while (!existsSync(shared)) {
        if (existsSync(failed)) throw new Error(`the worker making the openssl PKI failed: ${await readFile(failed, 'utf8')}`);
        if (Date.now() > deadline) throw new Error(`no openssl PKI in ${shared} after ${MAKE_WAIT_MS} ms: the worker making it stopped`);
        await delay(50);
      }
      return filesIn(shared);
    }
    const own = await mkdtemp(`${shared}-`);
    try {
      await makeFiles(openssl, own);
    } catch (err) {
      await writeFile(failed, (err as Error).message);
      throw err;
    }
    await rename(own, shared);
    return filesIn(shared);
  })();
  return made;
}

/** True when this process made the lock folder, false when another had. */
async function takeLock(lock: string): Promise<boolean> {
  try {
    await mkdir(lock);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

function filesIn(dir: string): OpensslPki {
  const f = (name: string): string => join(dir, name);
  return {
    ca: f('ca.crt'),
    otherCa: f('other-ca.crt'),
    server: { cert: f('server.crt'), key: f('server.key') },
    elsewhere: { cert: f('elsewhere.crt'), key: f('elsewhere.key') },
    expired: { cert: f('expired.crt'), key: f('server.key') },
    selfSigned: { cert: f('self.crt'), key: f('self.key') },
    client: { cert: f('client.crt'), key: f('client.key') },
    clientEncryptedKey: f('client-encrypted.key'),
    revoked: { cert: f('revoked.crt'), key: f('revoked.key') },
    crl: f('crl.pem'),
    chain: { intermediate: f('intermediate.crt'), bundle: f('chain-ca.crt') },
    chainClient: { cert: f('device8.crt'), key: f('device8.key') },
    chainRevoked: { cert: f('stolen8.crt'), key: f('stolen8.key') },
    chainCrl: f('chain-crl.pem'),
  };
}

/**
 * A CA, server certificates (good, for another name, expired, self-signed), client certificates
 * (good, revoked) and a CRL, made with openssl in `dir` (certificates issued with dates in the
 * past need `openssl ca`, as OpenSSL 3.0's x509 cannot set them).
 */
async function makeFiles(openssl: string, dir: string): Promise<void> {
  const f = (name: string): string => join(dir, name);
  const run = async (args: string[]): Promise<void> => {
    const result = await runTool(openssl, args, { timeoutMs: 20_000 });
    assert.equal(result.code, 0, `openssl ${args.join(' ')}: ${result.stderr}`);
  };
  const caExtensions = ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'];
  await run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.crt'), '-days', '30', '-subj', '/CN=Test CA', ...caExtensions]);
  await run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('other-ca.key'), '-out', f('other-ca.crt'), '-days', '30', '-subj', '/CN=Other CA', ...caExtensions]);

  const issue = async (name: string, subject: string, extensions: string, by = 'ca'): Promise<void> => {
    await run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`), '-subj', subject]);
    await writeFile(f(`${name}.ext`), `${extensions}\n`);
    await run(['x509', '-req', '-in', f(`${name}.csr`), '-CA', f(`${by}.crt`), '-CAkey', f(`${by}.key`), '-CAcreateserial', '-out', f(`${name}.crt`), '-days', '30', '-extfile', f(`${name}.ext`)]);
  };
  await issue('server', '/CN=localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth');
  await issue('elsewhere', '/CN=broker.test', 'subjectAltName=DNS:broker.test\nextendedKeyUsage=serverAuth');
  await issue('client', '/CN=device7', 'extendedKeyUsage=clientAuth');
  await issue('revoked', '/CN=stolen', 'extendedKeyUsage=clientAuth');
  await issue('intermediate', '/CN=Test Intermediate CA', 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign');
  await issue('device8', '/CN=device8', 'extendedKeyUsage=clientAuth', 'intermediate');
  await issue('stolen8', '/CN=stolen8', 'extendedKeyUsage=clientAuth', 'intermediate');
  await run(['pkey', '-in', f('client.key'), '-aes256', '-passout', 'pass:sesame', '-out', f('client-encrypted.key')]);

  await mkdir(f('cadb'));
  await writeFile(f('cadb/index.txt'), '');
  await writeFile(
    f('ca.cnf'),
    [
      '[ca]',
      'default_ca = ca_default',
      '[ca_default]',
      `database = ${f('cadb/index.txt')}`,
      `new_certs_dir = ${f('cadb')}`,
      'default_md = sha256',
      'policy = policy_any',
      'rand_serial = yes',
      '[policy_any]',
      'commonName = supplied',
      '[server]',
      'subjectAltName = DNS:localhost,IP:127.0.0.1',
      '',
    ].join('\n'),
  );
  const ca = ['-config', f('ca.cnf'), '-cert', f('ca.crt'), '-keyfile', f('ca.key')];
  await run(['ca', '-batch', ...ca, '-in', f('server.csr'), '-out', f('expired.crt'),
    '-startdate', '20200101000000Z', '-enddate', '20200201000000Z', '-extensions', 'server', '-notext']);
  await run(['ca', ...ca, '-revoke', f('revoked.crt')]);
  await run(['ca', ...ca, '-gencrl', '-crldays', '2', '-out', f('crl.pem')]);
  // The intermediate's own database: a CA's CRL lists what that CA revoked.
  await mkdir(f('intdb'));
  await writeFile(f('intdb/index.txt'), '');
  await writeFile(f('int.cnf'), (await readFile(f('ca.cnf'), 'utf8')).replaceAll('cadb', 'intdb'));
  const intermediate = ['-config', f('int.cnf'), '-cert', f('intermediate.crt'), '-keyfile', f('intermediate.key')];
  await run(['ca', ...intermediate, '-revoke', f('stolen8.crt')]);
  await run(['ca', ...intermediate, '-gencrl', '-crldays', '2', '-out', f('intermediate-crl.pem')]);
  await writeFile(f('chain-crl.pem'), Buffer.concat([await readFile(f('crl.pem')), await readFile(f('intermediate-crl.pem'))]));
  await writeFile(f('chain-ca.crt'), Buffer.concat([await readFile(f('ca.crt')), await readFile(f('intermediate.crt'))]));

  await run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('self.key'), '-out', f('self.crt'), '-days', '30', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1']);
}
