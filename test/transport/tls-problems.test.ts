import assert from 'node:assert/strict';
import type { PeerCertificate } from 'node:tls';
import { certificateNames, handshakeProblem, verificationProblem, type HandshakeContext } from '../../src/lib/transport/tls-problems.js';

function cert(fields: Partial<PeerCertificate>): PeerCertificate {
  return fields as PeerCertificate;
}

function nodeError(code: string): Error {
  return Object.assign(new Error(code), { code });
}

const certificates: HandshakeContext = { name: 'localhost', pskIdentity: undefined, clientCert: false, version: undefined, alpn: undefined };
const psk: HandshakeContext = { ...certificates, pskIdentity: 'dev1' };

describe('TLS problems', () => {
  it('list the DNS and IP names of a certificate, or its CN when it has none', () => {
    assert.deepEqual(certificateNames(cert({ subjectaltname: 'DNS:localhost, IP Address:127.0.0.1, email:a@b.c', subject: { CN: 'x' } })), ['localhost', '127.0.0.1']);
    assert.deepEqual(certificateNames(cert({ subject: { CN: 'broker.lan' } })), ['broker.lan']);
  });

  it('tell a wrong name, an unknown CA, a self-signed, an expired and a future certificate apart', () => {
    const peer = cert({
      subjectaltname: 'DNS:broker.test',
      subject: { CN: 'broker.test' },
      issuer: { CN: 'Class CA' },
      valid_from: 'Jan  1 00:00:00 2030 GMT',
      valid_to: 'Feb  1 00:00:00 2020 GMT',
    });
    assert.deepEqual(verificationProblem('ERR_TLS_CERT_ALTNAME_INVALID', peer, '10.0.0.1'), { kind: 'wrong-name', host: '10.0.0.1', names: ['broker.test'] });
    for (const code of ['SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY']) {
      assert.deepEqual(verificationProblem(code, peer, 'x'), { kind: 'unknown-ca', issuer: 'Class CA' });
    }
    assert.deepEqual(verificationProblem('DEPTH_ZERO_SELF_SIGNED_CERT', peer, 'x'), { kind: 'self-signed', subject: 'broker.test' });
    assert.deepEqual(verificationProblem('CERT_HAS_EXPIRED', peer, 'x'), { kind: 'expired', notAfter: new Date('2020-02-01T00:00:00Z') });
    assert.deepEqual(verificationProblem('CERT_NOT_YET_VALID', peer, 'x'), { kind: 'not-yet-valid', notBefore: new Date('2030-01-01T00:00:00Z') });
    assert.deepEqual(verificationProblem('CERT_REVOKED', peer, 'x'), { kind: 'untrusted', reason: 'CERT_REVOKED' });
  });

  it('read a refused handshake by what was asked: PSK, a version, a client certificate', () => {
    assert.deepEqual(handshakeProblem(nodeError('ECONNRESET'), certificates), { kind: 'not-tls' });
    assert.deepEqual(handshakeProblem(nodeError('ERR_SSL_WRONG_VERSION_NUMBER'), psk), { kind: 'not-tls' });
    assert.deepEqual(handshakeProblem(nodeError('ERR_SSL_SSLV3_ALERT_ILLEGAL_PARAMETER'), psk), { kind: 'psk-refused', identity: 'dev1' });
    assert.deepEqual(handshakeProblem(nodeError('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE'), psk), { kind: 'psk-refused', identity: 'dev1' });
    assert.deepEqual(handshakeProblem(nodeError('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE'), certificates), { kind: 'handshake-refused', clientCert: false });
    assert.deepEqual(handshakeProblem(nodeError('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION'), { ...psk, version: 'TLSv1.3' }), { kind: 'version', version: 'TLSv1.3' });
    assert.deepEqual(handshakeProblem(nodeError('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED'), certificates), { kind: 'client-cert-required' });
    assert.deepEqual(handshakeProblem(nodeError('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA'), { ...certificates, clientCert: true }), { kind: 'client-cert-refused' });
    assert.deepEqual(handshakeProblem(nodeError('ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL'), { ...certificates, alpn: ['mqtt'] }), { kind: 'alpn-refused', protocols: ['mqtt'] });
    assert.deepEqual(handshakeProblem(Object.assign(nodeError('ERR_SSL_X'), { reason: 'something odd' }), certificates), { kind: 'other', reason: 'something odd' });
  });
});
