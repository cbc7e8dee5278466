/** mosquitto.conf lines for the files gen-ca and gen-psk write; paths should be absolute (the broker's cwd is not ours). */

export interface TlsFiles {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

export const TLS_PORT = 8883;
export const PSK_PORT = 8884;

/**
 * With client certificates, use_identity_as_username makes the CN the username; it only works
 * together with require_certificate (without it clients get "bad user name or password").
 * Without them clients send no username, which mosquitto 2.0 refuses ("not authorised") unless
 * allow_anonymous is true: the lines must work as printed, and the comment says what it opens.
 */
export function tlsListenerLines(files: TlsFiles, clientCertificates: boolean): string[] {
  return [
    `listener ${TLS_PORT}`,
    `cafile ${files.ca}`,
    `certfile ${files.cert}`,
    `keyfile ${files.key}`,
    ...(clientCertificates
      ? ['require_certificate true', 'use_identity_as_username true']
      : ['# mosquitto 2.0 refuses clients without a username unless set (on every listener)', 'allow_anonymous true']),
  ];
}

/**
 * A listener of its own: with certfile/keyfile on the same listener mosquitto 2.0 silently drops
 * PSK. Without use_identity_as_username, 2.0's allow_anonymous false refuses every PSK client.
 */
export function pskListenerLines(pskFile: string, hint: string): string[] {
  return [`listener ${PSK_PORT}`, `psk_hint ${hint}`, `psk_file ${pskFile}`, 'use_identity_as_username true'];
}
