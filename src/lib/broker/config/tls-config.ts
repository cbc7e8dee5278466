import { ErrorCode, MqttError } from '../../errors.js';
import type { ConfFile, ListenerTls, TlsSection, TlsUsername } from './tls-types.js';
import type { ConfigNote, Origin } from './basics.js';

function configError(message: string, origin: Origin | undefined): MqttError {
  const where = origin === undefined ? '' : `${origin.file}:${origin.line}: `;
  return new MqttError(ErrorCode.ConfigError, `${where}${message}`);
}

/**
 * What a listener's TLS directives make of it, as mosquitto 2.0 decides: certfile and keyfile make
 * a certificate listener (a psk_hint beside them is ignored), psk_hint alone a PSK listener, neither
 * a plain one. The settings mosquitto refuses at start-up are refused here, naming their line.
 */
export function resolveTls(tls: TlsSection | undefined, pskFile: ConfFile | undefined, notes: ConfigNote[]): ListenerTls | undefined {
  if (tls === undefined) return undefined;
  const { certfile, keyfile } = tls;
  if ((certfile === undefined) !== (keyfile === undefined)) {
    throw configError('Both certfile and keyfile must be provided if one of them is set.', (certfile ?? keyfile)!.origin);
  }
  const usernameFrom = usernameSource(tls, certfile !== undefined);
  const common = {
    minVersion: tls.tlsVersion ?? 'tlsv1.2',
    ...(tls.ciphers === undefined ? {} : { ciphers: tls.ciphers }),
    ...(tls.ciphersTls13 === undefined ? {} : { ciphersTls13: tls.ciphersTls13 }),
    ...(tls.ciphersOrigin === undefined ? {} : { ciphersOrigin: tls.ciphersOrigin }),
    ...(usernameFrom === undefined ? {} : { usernameFrom }),
    ...(tls.dhparamfile === undefined ? {} : { dhparamfile: tls.dhparamfile }),
  } as const;
  if (certfile !== undefined && keyfile !== undefined) {
    if (tls.pskHint !== undefined) {
      warn(notes, `Warning: ${where(tls.pskHintOrigin)}psk_hint ignored: this listener has certfile and keyfile (use a separate listener for PSK, as mosquitto needs).`);
    }
    const requireCertificate = tls.requireCertificate ?? false;
    if (requireCertificate && tls.cafile === undefined && tls.capath === undefined) {
      throw configError('require_certificate true needs cafile or capath to check the client certificates.', certfile.origin);
    }
    return {
      kind: 'certificate',
      certfile,
      keyfile,
      ...(tls.cafile === undefined ? {} : { cafile: tls.cafile }),
      ...(tls.capath === undefined ? {} : { capath: tls.capath }),
      ...(tls.crlfile === undefined ? {} : { crlfile: tls.crlfile }),
      requireCertificate,
      ...common,
    };
  }
  if (tls.pskHint !== undefined) {
    if (pskFile === undefined) {
      warn(notes, `Warning: ${where(tls.pskHintOrigin)}psk_hint without a psk_file: every PSK client will be refused.`);
    }
    return { kind: 'psk', hint: tls.pskHint, ...(pskFile === undefined ? {} : { pskFile }), ...common };
  }
  const stray = tls.cafile ?? tls.capath ?? tls.crlfile ?? tls.dhparamfile;
  if (stray !== undefined || tls.requireCertificate !== undefined || usernameFrom !== undefined) {
    // mosquitto opens such a listener without TLS too; saying so spares a "why is my broker not encrypted".
    warn(notes, `Warning: ${where(stray?.origin)}TLS settings ignored: this listener has neither certfile and keyfile nor psk_hint, so it is not a TLS listener.`);
  }
  return undefined;
}

function usernameSource(tls: TlsSection, certificates: boolean): TlsUsername | undefined {
  if (tls.useIdentityAsUsername === true) return certificates ? 'cn' : 'psk';
  // mosquitto reads the subject only from certificates; on a PSK listener it leaves the identity unused.
  if (tls.useSubjectAsUsername === true && certificates) return 'subject';
  return undefined;
}

/** Once: the local-only mode resolves one section for each loopback address. */
function warn(notes: ConfigNote[], text: string): void {
  if (!notes.some((n) => n.text === text)) notes.push({ level: 'warning', text });
}

function where(origin: Origin | undefined): string {
  return origin === undefined ? '' : `${origin.file}:${origin.line}: `;
}
