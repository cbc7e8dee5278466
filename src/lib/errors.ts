/**
 * Every failure the library reports is an MqttError with a stable code. Commands turn codes into
 * one line of text and an exit code in one place (src/commands/ui/report.ts); tests match codes,
 * not wording.
 */
export const ErrorCode = {
  /** Bytes on the wire that break the packet grammar (MQTT 5 reason 0x81). */
  MalformedPacket: 'MALFORMED_PACKET',
  /** A well-formed packet that the protocol forbids here (MQTT 5 reason 0x82). */
  ProtocolError: 'PROTOCOL_ERROR',
  /** A packet over the negotiated maximum packet size (MQTT 5 reason 0x95). */
  PacketTooLarge: 'PACKET_TOO_LARGE',
  /** A topic name or filter that breaks the topic rules. */
  InvalidTopic: 'INVALID_TOPIC',
  /** A value the caller passed that the protocol cannot carry. */
  InvalidArgument: 'INVALID_ARGUMENT',
  /** The transport could not be opened (refused, unreachable, no such socket...). */
  ConnectFailed: 'CONNECT_FAILED',
  /**
   * A SOCKS proxy or a WebSocket server refused the handshake (bad credentials, wrong path, not
   * that protocol at all): the settings are wrong, so trying again will not help.
   */
  HandshakeFailed: 'HANDSHAKE_FAILED',
  /** The server answered CONNECT with a refusal; reasonCode holds the CONNACK code. */
  ConnectionRefused: 'CONNECTION_REFUSED',
  /** The transport closed while the session was open. */
  ConnectionLost: 'CONNECTION_LOST',
  /** The server sent DISCONNECT; reasonCode holds its reason. */
  ServerDisconnect: 'SERVER_DISCONNECT',
  /** No PINGRESP (or CONNACK) came back in time. */
  KeepaliveTimeout: 'KEEPALIVE_TIMEOUT',
  /** The server refused a PUBLISH (PUBACK/PUBREC reason >= 0x80). */
  PublishRefused: 'PUBLISH_REFUSED',
  /** Every filter of a SUBSCRIBE was refused. */
  SubscribeRefused: 'SUBSCRIBE_REFUSED',
  /** The client was closed before the operation finished. */
  ClientClosed: 'CLIENT_CLOSED',
  /** An operation did not finish before its deadline. */
  Timeout: 'TIMEOUT',
  /** A file that had to exist does not. */
  FileNotFound: 'FILE_NOT_FOUND',
  /** A file that was not to be replaced exists already. */
  FileExists: 'FILE_EXISTS',
  /** Any other failure to read or write a file; the message gives the system's reason. */
  FileError: 'FILE_ERROR',
  /** Another process kept a file locked past the wait. */
  FileLocked: 'FILE_LOCKED',
  /** A certificate or key that cannot be read or used for the job (wrong type, not a CA, mismatched). */
  InvalidCertificate: 'INVALID_CERTIFICATE',
  /** The TLS handshake failed, or the broker's certificate was not accepted; see TlsError.problem. */
  TlsFailed: 'TLS_FAILED',
  /** A file whose content cannot be used: a bad line of an acl_file, a damaged journal. */
  InvalidFile: 'INVALID_FILE',
  /** A mosquitto.conf line mqt serve cannot use; the message names the file and line. */
  ConfigError: 'CONFIG_ERROR',
  /** A listener could not be opened (port in use, no permission, bad address). */
  ListenFailed: 'LISTEN_FAILED',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface MqttErrorOptions {
  /** The MQTT reason code that belongs on the wire or came from it. */
  reasonCode?: number;
  /** A short suggestion for the user that names no flag (those are a `remedy`). */
  hint?: string;
  /** What would get past the error, as a fact; the commands' ui words it and names the flags. */
  remedy?: Remedy;
  cause?: unknown;
}

export class MqttError extends Error {
  readonly code: ErrorCode;
  readonly reasonCode: number | undefined;
  readonly hint: string | undefined;
  readonly remedy: Remedy | undefined;

  constructor(code: ErrorCode, message: string, options: MqttErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MqttError';
    this.code = code;
    this.reasonCode = options.reasonCode;
    this.hint = options.hint;
    this.remedy = options.remedy;
  }
}

/**
 * What the user can do about an error, stated as a fact about it. The library never names a flag
 * or a command; src/commands/ui/remedies.ts turns these into the sentence that does.
 */
export type Remedy =
  /** Something already there would be replaced if the user asked for it; `what` is what is replaced. */
  | { readonly kind: 'replace'; readonly what: 'psk-key' | 'files' | 'half-ca' }
  /** The CA in the folder cannot sign; moved away, a new one would be made in its place. */
  | { readonly kind: 'new-ca' }
  /** A listener's port is taken by another program (`console`: the web console's). */
  | { readonly kind: 'port-in-use'; readonly console?: boolean }
  /** The port is below 1024 and the process may not bind it. */
  | { readonly kind: 'privileged-port' }
  /** No interface of this machine has the address. */
  | { readonly kind: 'no-such-address' }
  /** The SOCKS proxy wants a username and password (`refused`: the ones given were wrong). */
  | { readonly kind: 'proxy-credentials'; readonly proxy: string; readonly refused: boolean }
  /** What answered at the proxy's address is not a SOCKS5 proxy. */
  | { readonly kind: 'proxy-address' }
  /** Nothing at this WebSocket path. */
  | { readonly kind: 'websocket-path'; readonly path: string }
  /** The WebSocket server wants credentials or a token in a request header. */
  | { readonly kind: 'websocket-credentials' }
  /** What answered is not a WebSocket server (most likely a plain MQTT listener). */
  | { readonly kind: 'not-websocket'; readonly where: string }
  /** The client certificate file holds a key and the key file a certificate: given the wrong way round. */
  | { readonly kind: 'swapped-cert-key' }
  /**
   * A broker wants a username (mosquitto 2.0 refuses anonymous clients unless its config says
   * allow_anonymous true) and the client sent none.
   */
  | { readonly kind: 'log-in' }
  /** The file does not look like the kind the command writes; `action` is what was refused. */
  | { readonly kind: 'foreign-file'; readonly action: 'change' | 'add to' }
  /** The key file has a passphrase; a copy without one would be read. */
  | { readonly kind: 'decrypt-key'; readonly file: string }
  /** A password file holds plain-text passwords, which become usable once the file is hashed. */
  | { readonly kind: 'hash-passwords' }
  /** A certificate file is DER (binary); its PEM conversion would be read. */
  | { readonly kind: 'der-to-pem'; readonly file: string }
  /** A lock file may be left over from a process that ended: if none is writing `target`, removing it frees the lock. */
  | { readonly kind: 'stale-lock'; readonly target: string; readonly lock: string };

/**
 * Why a TLS connection was not made, as facts (names, dates, the file or flag involved); the
 * command puts them in words.
 */
export type TlsProblem =
  /** The certificate is valid but names other hosts; `names` are the DNS and IP names it has. */
  | { readonly kind: 'wrong-name'; readonly host: string; readonly names: readonly string[] }
  /** Signed by a CA that is not trusted; `issuer` is the signer's name. */
  | { readonly kind: 'unknown-ca'; readonly issuer: string }
  /** The broker's own certificate signed itself (no CA). */
  | { readonly kind: 'self-signed'; readonly subject: string }
  | { readonly kind: 'expired'; readonly notAfter: Date }
  | { readonly kind: 'not-yet-valid'; readonly notBefore: Date }
  /** Any other verification failure; `reason` is OpenSSL's code, e.g. CERT_REVOKED. */
  | { readonly kind: 'untrusted'; readonly reason: string }
  /** TLS-PSK: the broker did not accept the identity or the key. */
  | { readonly kind: 'psk-refused'; readonly identity: string }
  /** TLS-PSK asked for, and the broker answered with a certificate instead. */
  | { readonly kind: 'psk-not-offered' }
  /** No TLS version in common; `version` is the one asked for, if any. */
  | { readonly kind: 'version'; readonly version: string | undefined }
  /** The peer closed or answered with something that is not TLS. */
  | { readonly kind: 'not-tls' }
  /** The broker wants a client certificate and none was sent. */
  | { readonly kind: 'client-cert-required' }
  /** The broker refused the client certificate that was sent. */
  | { readonly kind: 'client-cert-refused' }
  /** The handshake failed without a more precise reason (no common cipher, a missing client certificate...). */
  | { readonly kind: 'handshake-refused'; readonly clientCert: boolean }
  /** None of the protocols asked for with ALPN is spoken by the broker. */
  | { readonly kind: 'alpn-refused'; readonly protocols: readonly string[] }
  | { readonly kind: 'other'; readonly reason: string };

/** A failed TLS connection: ErrorCode.TlsFailed, with the facts the command words. */
export class TlsError extends MqttError {
  readonly problem: TlsProblem;

  constructor(problem: TlsProblem, message: string, cause?: unknown) {
    super(ErrorCode.TlsFailed, message, cause === undefined ? {} : { cause });
    this.name = 'TlsError';
    this.problem = problem;
  }
}

export function isMqttError(value: unknown): value is MqttError {
  return value instanceof MqttError;
}

/** Narrows a caught value to an Error, for rejecting promises with it. */
export function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
