import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { checkRevocation, revocationListsInPem, type RevocationList } from '../../src/lib/pki/crl.js';
import { DerError } from '../../src/lib/pki/der.js';
import { opensslPki, type OpensslPki } from '../support/openssl-pki.js';
import { requireOpenssl } from '../support/tools.js';

describe('pki: certificate revocation lists as crlfile reads them', function () {
  this.timeout(60_000);
  let pki: OpensslPki;
  let lists: RevocationList[];
  const cert = async (path: string): Promise<X509Certificate> => new X509Certificate(await readFile(path));

  before(async function () {
    pki = await opensslPki(requireOpenssl(this));
    lists = revocationListsInPem(await readFile(pki.chainCrl, 'latin1'));
  });

  it('reads every CRL of the file, not only the first', () => {
    assert.equal(lists.length, 2);
    assert.deepEqual(
      lists.map((list) => list.revoked.size),
      [1, 1],
    );
  });

  it("checks the client's own certificate against its issuer's CRL only, as mosquitto (CRL_CHECK without CRL_CHECK_ALL)", async () => {
    const [root, intermediate] = [await cert(pki.ca), await cert(pki.chain.intermediate)];
    const now = new Date();
    // A client of the intermediate: only the intermediate's CRL is asked for.
    assert.equal(checkRevocation(await cert(pki.chainClient.cert), intermediate, lists, now), undefined);
    assert.equal(checkRevocation(await cert(pki.chainRevoked.cert), intermediate, lists, now), 'CERT_REVOKED');
    assert.equal(checkRevocation(await cert(pki.client.cert), root, lists, now), undefined);
    assert.equal(checkRevocation(await cert(pki.revoked.cert), root, lists, now), 'CERT_REVOKED');
    // Without its issuer's CRL a client is refused, as OpenSSL refuses it.
    assert.equal(checkRevocation(await cert(pki.chainClient.cert), intermediate, lists.slice(0, 1), now), 'UNABLE_TO_GET_CRL');
  });

  it('refuses with a CRL that is out of date, or not signed by the issuer', async () => {
    const intermediate = await cert(pki.chain.intermediate);
    const client = await cert(pki.chainClient.cert);
    // The CRLs are made valid for two days.
    const later = new Date(Date.now() + 3 * 86_400_000);
    assert.equal(checkRevocation(client, intermediate, lists, later), 'CRL_HAS_EXPIRED');
    assert.equal(checkRevocation(client, intermediate, lists, new Date(Date.now() - 86_400_000)), 'CRL_NOT_YET_VALID');
    assert.equal(checkRevocation(client, await cert(pki.otherCa), lists, new Date()), 'CRL_SIGNATURE_FAILURE');
  });

  it('refuses a file without a CRL in it', async () => {
    const certificate = await readFile(pki.ca, 'latin1');
    assert.throws(() => revocationListsInPem(''), DerError);
    assert.throws(() => revocationListsInPem(certificate), DerError);
    assert.throws(() => revocationListsInPem('-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n'), DerError);
  });
});
