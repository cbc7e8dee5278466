import type { Remedy } from '../../lib/errors.js';

const REPLACE: Readonly<Record<Extract<Remedy, { kind: 'replace' }>['what'], string>> = {
  'psk-key': 'use --force to replace it (the device must then get the new key)',
  files: 'use --force to replace it, or --out another folder',
  'half-ca': 'restore the missing file, or use --force to make a new CA',
};

/** The sentence for what the user can do about an error, naming the flags of mqt's commands. */
export function remedyText(remedy: Remedy): string {
  switch (remedy.kind) {
    case 'replace':
      return REPLACE[remedy.what];
    case 'new-ca':
      return 'move it away (with its key) and run mqt gen-ca again to make a new CA';
    case 'port-in-use':
      if (remedy.console === true) return 'is another program using it? Stop it, or give the web console another port: --web PORT, or web_console PORT';
      return 'is another broker running? Stop it, or choose another port with -p';
    case 'privileged-port':
      return 'ports below 1024 need root or CAP_NET_BIND_SERVICE: choose a port above 1023';
    case 'no-such-address':
      return 'no network interface of this machine has that address';
    case 'proxy-credentials':
      return `${remedy.refused ? 'check the user:password' : 'give them'} in --proxy socks5h://user:password@${remedy.proxy}`;
    case 'proxy-address':
      return 'check the host and port in --proxy';
    case 'websocket-path':
      return `nothing at the path ${remedy.path}: give the broker's WebSocket path with --ws-path or in the URL (mosquitto and most brokers use /mqtt)`;
    case 'websocket-credentials':
      return 'the server wants credentials or a token: add them with --ws-header "Authorization: ..."';
    case 'swapped-cert-key':
      return 'are --cert and --key swapped?';
    case 'log-in':
      return 'the broker refuses clients that send no username (mosquitto 2.0 does unless its config says allow_anonymous true): log in with -u and -P';
    case 'foreign-file':
      return `check the file name; use --force to ${remedy.action} it anyway`;
    case 'decrypt-key':
      return `openssl pkey -in ${remedy.file} -out ${remedy.file}.plain writes a copy without one`;
    case 'hash-passwords':
      return 'hash the file with mqt passwd -U';
    case 'der-to-pem':
      return `convert it with openssl x509 -inform der -in ${remedy.file} -out ${remedy.file}.pem`;
    case 'stale-lock':
      return `if no other mqt command is writing ${remedy.target}, delete ${remedy.lock}`;
    case 'not-websocket':
      return `is ${remedy.where} a WebSocket port? An MQTT-over-TCP listener (usually 1883) needs mqtt:// or -h/-p without --ws`;
  }
}
