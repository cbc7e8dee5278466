/**
 * The usage text mosquitto 2.1.2's clients print for --help (and pub after "Both topic and message
 * must be supplied."), reproduced from Eclipse Mosquitto (see THIRD-PARTY-NOTICES) so that a
 * script or handout reading it under a mosquitto name sees mosquitto's bytes. The build variant is
 * the one mqt matches: TLS, TLS-PSK, SOCKS and WebSockets in, SRV (-S) out, not Windows.
 * Each client's text is assembled from the blocks the three share; the synopsis of rr is indented
 * one column less than pub's and sub's, except its --psk line, as in mosquitto.
 */

export type MosquittoUsageCommand = 'pub' | 'sub' | 'rr' | 'passwd';

const SESSION = [
  ' -c : disable clean session/enable persistent client mode',
  '      When this argument is used, the broker will be instructed not to clean existing sessions',
  '      for the same client id when the client connects, and sessions will never expire when the',
  '      client disconnects. MQTT v5 clients can change their session expiry interval with the -x',
  '      argument.',
];
const BIND = [' -A : bind the outgoing socket to this host/ip address. Use to control which interface', '      the client communicates over.'];
const DEBUG = ' -d : enable debug messages.';
const PROPERTIES = ' -D : Define MQTT v5 properties. See the documentation for more details.';
const HOST = ' -h : mqtt host to connect to. Defaults to localhost.';
const ID_PREFIX = [' -I : define the client id as id_prefix appended with the process id. Useful for when the', '      broker is using the clientid_prefixes option.'];
const KEEPALIVE = ' -k : keep alive in seconds for this client. Defaults to 60.';
const URL = [
  ' -L : specify user, password, hostname, port and topic as a URL in the form:',
  '      mqtt(s)://[username[:password]@]host[:port]/topic',
  '      ws(s)://[username[:password]@]host[:port]/topic',
];
const NO_EOL = ' -N : do not add an end of line character when printing the payload.';
const OPTIONS_FILE = [' -o : provide options in a file rather than on the command line.', '      See the Options section of https://mosquitto.org/man/mosquitto_pub-1.html'];
const PORT_AND_PASSWORD = [' -p : network port to connect to. Defaults to 1883 for plain MQTT and 8883 for MQTT over TLS.', ' -P : provide a password'];
const NO_RETAINED = ' -R : do not print stale messages (those with retain set).';
const USERNAME = ' -u : provide a username';
const VERSION = ' -V : specify the version of the MQTT protocol to use when connecting.';
const V3_DEFAULT = '      Can be mqttv5, mqttv311 or mqttv31. Defaults to mqttv311.';
const EXPIRY = [
  ' -x : Set the session-expiry-interval property on the CONNECT packet. Applies to MQTT v5',
  '      clients only. Set to 0-4294967294 to specify the session will expire in that many',
  '      seconds after the client disconnects, or use -1, 4294967295, or ∞ for a session',
  '      that does not expire. Defaults to -1 if -c is also given, or 0 if -c not given.',
];
const HELP_AND_NODELAY = [
  ' --help : display this message.',
  " --nodelay : disable Nagle's algorithm, to reduce socket sending latency at the possible",
  '             expense of more packets being sent.',
];
const PRETTY = [' --pretty : print formatted output rather than minimised output when using the', '            JSON output format option.'];
const QUIET = " --quiet : don't print error messages.";
const UNIX_WILL_WS = [
  ' --unix : connect to a broker through a unix domain socket instead of a TCP socket,',
  '          e.g. /tmp/mosquitto.sock',
  ' --will-payload : payload for the client Will, which is sent by the broker in case of',
  '                  unexpected disconnection. If not given and will-topic is set, a zero',
  '                  length message will be sent.',
  ' --will-qos : QoS level for the client Will.',
  ' --will-retain : if given, make the client Will retained.',
  ' --will-topic : the topic on which to publish the client Will.',
  ' --ws : connect using WebSockets.',
];
const CAPATH_CERT_KEY = [
  ' --capath : path to a directory containing trusted CA certificates to enable encrypted',
  '            communication.',
  ' --cert : client certificate for authentication, if required by server.',
  ' --key : client private key for authentication, if required by server.',
];
const KEYFORM = ' --keyform : keyfile type, can be either "pem" or "engine".';
const CIPHERS = ' --ciphers : openssl compatible list of TLS ciphers to support.';
const TLS_VERSION = [' --tls-version : TLS protocol version, can be one of tlsv1.3 or tlsv1.2.', '                 Defaults to tlsv1.2 if available.'];
const INSECURE = [
  ' --insecure : do not verify the the server certificate. Using this option means that',
  '              you cannot be sure that the remote host is the server you wish to connect',
  '              to and so is insecure.',
  '              Do not use this option in a production environment.',
];
const ENGINE_KPASS = ' --tls-engine-kpass-sha1 : SHA1 of the key password to be used with the selected SSL engine.';
const OS_CERTS = ' --tls-use-os-certs : Load and trust OS provided CA certificates.';
const PSK_AND_PROXY = [
  ' --psk : pre-shared-key in hexadecimal (no leading 0x) to enable TLS-PSK mode.',
  ' --psk-identity : client identity string for TLS-PSK mode.',
  ' --proxy : SOCKS5 proxy URL of the form:',
  '           socks5h://[username[:password]@]hostname[:port]',
  '           Only "none" and "username" authentication is supported.',
];
const FOOTER = ['', 'See https://mosquitto.org/ for more information.', '', ''];

/**
 * The synopsis lines every client ends with, `own` (its output and debug flags) after -i;
 * `indent` aligns them under "Usage: ".
 */
function synopsisTail(name: string, indent: string, own: readonly string[], property = false): string[] {
  const nested = `${indent}  `;
  return [
    `${indent}[-A bind_address] [--nodelay]`,
    `${indent}[-i id] [-I id_prefix]`,
    ...own.map((line) => `${indent}${line}`),
    `${indent}[--will-topic [--will-payload payload] [--will-qos qos] [--will-retain]]`,
    `${indent}[--no-tls]`,
    `${indent}[{--cafile file | --capath dir} [--cert file] [--key file]`,
    `${nested}[--ciphers ciphers] [--insecure]`,
    `${nested}[--tls-alpn protocol]`,
    `${nested}[--tls-engine engine] [--keyform keyform] [--tls-engine-kpass-sha1]]`,
    `${nested}[--tls-use-os-certs]`,
    '                     [--psk hex-key --psk-identity identity [--ciphers ciphers]]',
    `${indent}[--proxy socks-url]`,
    ...(property ? [`${indent}[--property command identifier value]`] : []),
    `${indent}[-D command identifier value]`,
    `${indent}[-o options-file]`,
    `       ${name} --help`,
    '',
  ];
}

function cafile(tail: string): string[] {
  return [' --cafile : path to a file containing trusted CA certificates to enable encrypted', `            ${tail}`];
}

/** pub's and sub's TLS options; they differ in two words. */
function tlsDescriptions(cafileTail: string, engineDevice: string): string[] {
  return [
    ...cafile(cafileTail),
    ...CAPATH_CERT_KEY,
    KEYFORM,
    CIPHERS,
    ...TLS_VERSION,
    ...INSECURE,
    ` --tls-engine : If set, enables the use of a ${engineDevice} engine device.`,
    ENGINE_KPASS,
    OS_CERTS,
    ...PSK_AND_PROXY,
  ];
}

function defaultId(name: string): string {
  return ` -i : id to use for this client. Defaults to ${name}_ appended with the process id.`;
}

function pubUsage(version: string): string[] {
  const name = 'mosquitto_pub';
  const indent = ' '.repeat(21);
  return [
    'mosquitto_pub is a simple mqtt client that will publish a message on a single topic and exit.',
    version,
    '',
    'Usage: mosquitto_pub {[-h host] [--unix path] [-p port] [-u username] [-P password] [--ws] -t topic | -L URL}',
    `${indent}{-f file | -l | -n | -m message}`,
    `${indent}[-c] [-k keepalive] [-q qos] [-r] [--repeat N] [--repeat-delay time] [-x session-expiry]`,
    ...synopsisTail(name, indent, ['[-d] [--quiet]', '[-M max_inflight]', '[-u username [-P password]]'], true),
    ...BIND,
    DEBUG,
    ...SESSION,
    PROPERTIES,
    ' -f : send the contents of a file as the message.',
    HOST,
    defaultId(name),
    ...ID_PREFIX,
    KEEPALIVE,
    ...URL,
    ' -l : read messages from stdin, sending a separate message for each line.',
    ' -m : message payload to send.',
    ' -M : the maximum inflight messages for QoS 1/2..',
    ' -n : send a null (zero length) message.',
    ...OPTIONS_FILE,
    ...PORT_AND_PASSWORD,
    ' -q : quality of service level to use for all messages. Defaults to 0.',
    ' -r : message should be retained.',
    ' -s : read message from stdin, sending the entire input as a message.',
    ' -t : mqtt topic to publish to.',
    USERNAME,
    VERSION,
    V3_DEFAULT,
    ...EXPIRY,
    ...HELP_AND_NODELAY,
    QUIET,
    ' --repeat : if publish mode is -f, -m, or -s, then repeat the publish N times.',
    ' --repeat-delay : if using --repeat, wait time seconds between publishes. Defaults to 0.',
    ...UNIX_WILL_WS,
    ...tlsDescriptions('communication.', 'TLS'),
  ];
}

function subUsage(version: string): string[] {
  const name = 'mosquitto_sub';
  const indent = ' '.repeat(21);
  return [
    'mosquitto_sub is a simple mqtt client that will subscribe to a set of topics and print all messages it receives.',
    version,
    '',
    'Usage: mosquitto_sub {[-h host] [--unix path] [-p port] [-u username] [-P password] {-t topic | -U topic} [--ws] | -L URL [-t topic]}',
    `${indent}[-c] [-k keepalive] [-q qos] [-x session-expiry-interval]`,
    `${indent}[-C msg_count] [-E] [-R] [--retained-only] [--remove-retained] [-T filter_out]`,
    `${indent}[-F format]`,
    `${indent}[-W timeout_secs]`,
    ...synopsisTail(name, indent, ['[-d] [-N] [--quiet] [-v] [-w|--watch]']),
    ...BIND,
    ...SESSION,
    " -C : disconnect and exit after receiving the 'msg_count' messages.",
    DEBUG,
    PROPERTIES,
    ' -E : Exit once all subscriptions have been acknowledged by the broker.',
    ' -F : output format.',
    HOST,
    defaultId(name),
    ...ID_PREFIX,
    KEEPALIVE,
    ...URL,
    NO_EOL,
    ...OPTIONS_FILE,
    ...PORT_AND_PASSWORD,
    ' -q : quality of service level to use for the subscription. Defaults to 0.',
    NO_RETAINED,
    ' -t : mqtt topic to subscribe to. May be repeated multiple times.',
    ' -T : topic string to filter out of results. May be repeated.',
    USERNAME,
    ' -U : unsubscribe from a topic. May be repeated.',
    ' -v : print published messages verbosely.',
    VERSION,
    V3_DEFAULT,
    ' -W : Specifies a timeout in seconds how long to process incoming MQTT messages.',
    ' -w : messages will be printed on a fixed line number based on the topic and order in',
    '      which topics are received. Useful for monitoring multiple topics that have',
    '      single line payloads.',
    ...EXPIRY,
    ...HELP_AND_NODELAY,
    ...PRETTY,
    QUIET,
    ' --random-filter : only print a percentage of received messages. Set to 100 to have all',
    '                   messages printed, 50.0 to have half of the messages received on average',
    '                   printed, and so on.',
    ' --retained-only : only handle messages with the retained flag set, and exit when the',
    '                   first non-retained message is received.',
    ' --remove-retained : send a message to the server to clear any received retained messages',
    '                     Use -T to filter out messages you do not want to be cleared.',
    ...UNIX_WILL_WS,
    ...tlsDescriptions('certificate based communication.', 'SSL'),
  ];
}

function rrUsage(version: string): string[] {
  const name = 'mosquitto_rr';
  const indent = ' '.repeat(20);
  return [
    'mosquitto_rr is an mqtt client that can be used to publish a request message and wait for a response.',
    '             Defaults to MQTT v5, where the Request-Response feature will be used, but v3.1.1 can also be used',
    '             with v3.1.1 brokers.',
    version,
    '',
    'Usage: mosquitto_rr {[-h host] [--unix path] [-p port] [-u username] [-P password] -t topic | -L URL} -e response-topic',
    `${indent}{-f file | -l | -n | -m message}`,
    `${indent}[-c] [-k keepalive] [-q qos] [-R] [-x session-expiry-interval]`,
    `${indent}[-F format]`,
    `${indent}[-W timeout_secs]`,
    ...synopsisTail(name, indent, ['[-d] [-N] [--quiet] [-v]']),
    ...BIND,
    ...SESSION,
    DEBUG,
    PROPERTIES,
    ' -e : Response topic. The client will subscribe to this topic to wait for a response.',
    ' -F : output format.',
    HOST,
    defaultId(name),
    KEEPALIVE,
    ...URL,
    NO_EOL,
    ...OPTIONS_FILE,
    ...PORT_AND_PASSWORD,
    ' -q : quality of service level to use for communications. Defaults to 0.',
    NO_RETAINED,
    ' -t : topic where the request message will be sent.',
    USERNAME,
    ' -v : print received messages verbosely.',
    VERSION,
    '      Defaults to 5.',
    ' -W : Specifies a timeout in seconds how long to wait for a response.',
    ...EXPIRY,
    ...HELP_AND_NODELAY,
    ...PRETTY,
    QUIET,
    ...UNIX_WILL_WS,
    ...cafile('certificate based communication.'),
    ...CAPATH_CERT_KEY,
    CIPHERS,
    OS_CERTS,
    ...TLS_VERSION,
    ...INSECURE,
    ...PSK_AND_PROXY,
  ];
}

function passwdUsage(): string[] {
  return [
    'mosquitto_passwd is a tool for managing password files for mosquitto.',
    '',
    'Usage: mosquitto_passwd [-H argon2id | -H sha512-pbkdf2] [-c | -D] passwordfile username',
    '       mosquitto_passwd [-H argon2id | -H sha512-pbkdf2] [-c] -b passwordfile username password',
    '       mosquitto_passwd -U passwordfile',
    ' -b : run in batch mode to allow passing passwords on the command line.',
    ' -c : create a new password file. This will overwrite existing files.',
    ' -D : delete the username rather than adding/updating its password.',
    ' -H : specify the hashing algorithm. Defaults to argon2id, which is recommended.',
    '      Mosquitto 2.0 and earlier defaulted to sha512-pbkdf2.',
    '      Mosquitto 1.6 and earlier defaulted to sha512.',
    ' -U : update a plain text password file to use hashed passwords.',
  ];
}

/**
 * mosquitto's whole usage text for the command; `version` is the line --version prints, which
 * stands where mosquitto names its own version and libmosquitto's.
 */
export function mosquittoUsage(command: MosquittoUsageCommand, version: string): string {
  const lines = command === 'pub' ? pubUsage(version) : command === 'sub' ? subUsage(version) : command === 'rr' ? rrUsage(version) : passwdUsage();
  return [...lines, ...FOOTER].join('\n');
}
