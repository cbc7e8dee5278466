import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readMosquittoConf, type ConfFiles } from '../../src/lib/broker/config/mosquitto-conf.js';
import { buildServeConfig, type CommandLineSettings } from '../../src/lib/broker/config/serve-config.js';
import type { ServeConfig } from '../../src/lib/broker/config/types.js';
import { DEFAULT_LIMITS } from '../../src/lib/broker/types.js';
import { MqttError } from '../../src/lib/errors.js';

/** Files in memory: path → text; a path ending in '/' is a directory. */
function memoryFiles(files: Record<string, string>): ConfFiles {
  return {
    read: (path) => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return text;
    },
    list: (dir) => {
      if (!Object.hasOwn(files, `${dir}/`)) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return Object.keys(files)
        .filter((p) => p.startsWith(`${dir}/`) && p !== `${dir}/`)
        .map((p) => p.slice(dir.length + 1));
    },
    isDirectory: (path) => Object.hasOwn(files, `${path}/`),
  };
}

const CLI: CommandLineSettings = { ports: [], unixPaths: [], wsPorts: [], verbose: false, version: '0.1.0' };

function load(text: string, cli: Partial<CommandLineSettings> = {}, extra: Record<string, string> = {}): ServeConfig {
  const state = readMosquittoConf('m.conf', memoryFiles({ 'm.conf': text, ...extra }));
  return buildServeConfig(state, { ...CLI, ...cli, configFile: 'm.conf' });
}

function errorOf(text: string, extra: Record<string, string> = {}): string {
  try {
    load(text, {}, extra);
  } catch (err) {
    assert.ok(err instanceof MqttError, String(err));
    return err.message;
  }
  assert.fail(`no error for ${JSON.stringify(text)}`);
}

/** The listeners as "address:port protocol anonymous" strings, to compare at a glance. */
function listeners(config: ServeConfig): string[] {
  return config.listeners.map((l) => {
    const where = l.unixPath ?? `${l.bindAddress ?? '*'}:${l.port}`;
    return `${where} ${l.protocol}${l.settings.allowAnonymous ? ' anonymous' : ''}`;
  });
}

describe('mosquitto.conf', () => {
  describe('listeners and allow_anonymous (mosquitto 2.0)', () => {
    const cases: [string, string, Partial<CommandLineSettings>, string[]][] = [
      ['no listener: local only and anonymous', '', {}, ['127.0.0.1:1883 mqtt anonymous', '::1:1883 mqtt anonymous']],
      ['local only even when allow_anonymous false', 'allow_anonymous false\n', {}, ['127.0.0.1:1883 mqtt anonymous', '::1:1883 mqtt anonymous']],
      ['-p ports stay local only', '', { ports: [1884, 1885] }, ['127.0.0.1:1884 mqtt anonymous', '::1:1884 mqtt anonymous', '127.0.0.1:1885 mqtt anonymous', '::1:1885 mqtt anonymous']],
      ['a listener turns anonymous off', 'listener 1883\n', {}, ['*:1883 mqtt']],
      ["the seed's two lines", 'listener 1883\nallow_anonymous true\n', {}, ['*:1883 mqtt anonymous']],
      ['bind address and unix socket', 'listener 1884 127.0.0.1\nlistener 0 /run/mqt.sock\nallow_anonymous true\n', {}, ['127.0.0.1:1884 mqtt anonymous', '/run/mqt.sock mqtt anonymous']],
      ['protocol belongs to the listener above it', 'listener 1883\nlistener 9001\nprotocol websockets\n', {}, ['*:1883 mqtt', '*:9001 websockets']],
      ['a config with listeners ignores -p, as mosquitto does', 'listener 1890\n', { ports: [1884] }, ['*:1890 mqtt']],
      ['deprecated port makes the default listener', 'port 1886\nallow_anonymous true\n', {}, ['*:1886 mqtt anonymous']],
      ['--bind opens the quick start up, anonymous', '', { bind: '0.0.0.0', ports: [1884] }, ['0.0.0.0:1884 mqtt anonymous']],
      ['--bind keeps allow_anonymous false', 'allow_anonymous false\n', { bind: '0.0.0.0' }, ['0.0.0.0:1883 mqtt']],
      ['--ws-port and --unix beside the local listeners', '', { wsPorts: [9001], unixPaths: ['/tmp/s'] }, ['127.0.0.1:1883 mqtt anonymous', '::1:1883 mqtt anonymous', '127.0.0.1:9001 websockets anonymous', '::1:9001 websockets anonymous', '/tmp/s mqtt anonymous']],
      [
        'per_listener_settings: each listener its own allow_anonymous',
        'per_listener_settings true\nlistener 1883\nallow_anonymous true\nlistener 1884\n',
        {},
        ['*:1883 mqtt anonymous', '*:1884 mqtt'],
      ],
      ['without per_listener_settings, allow_anonymous is global wherever it is', 'listener 1883\nlistener 1884\nallow_anonymous true\n', {}, ['*:1883 mqtt anonymous', '*:1884 mqtt anonymous']],
    ];
    for (const [title, text, cli, expected] of cases) {
      it(title, () => {
        const config = load(text, cli);
        assert.deepEqual(listeners(config), expected);
        assert.equal(config.localOnly, !/^(listener|port) /m.test(text) && cli.bind === undefined);
      });
    }

    it('listener settings: max_connections, maximum_qos, max_topic_alias, socket_domain', () => {
      const config = load('listener 1883\nmax_connections 5\nmaximum_qos 1\nmax_topic_alias 3\nsocket_domain ipv4\nlistener 1884\nmax_connections -1\nmax_qos 0\n');
      const [first, second] = config.listeners;
      assert.deepEqual(first!.settings, { allowAnonymous: false, maxConnections: 5, maximumQos: 1, maxTopicAlias: 3 });
      assert.equal(first!.socketDomain, 'ipv4');
      assert.deepEqual(second!.settings, { allowAnonymous: false, maxConnections: -1, maximumQos: 0 });
      assert.deepEqual(first!.origin, { file: 'm.conf', line: 1 });
    });

    it('settings before the first listener are every listener\'s defaults, unless port makes the default listener', () => {
      const shared = load('max_connections 50\nprotocol websockets\nlistener 9001\nlistener 9002\nmax_connections 2\nprotocol mqtt\n');
      assert.deepEqual(listeners(shared), ['*:9001 websockets', '*:9002 mqtt']);
      assert.deepEqual(shared.listeners.map((l) => l.settings.maxConnections), [50, 2]);
      const own = load('port 1884\nmax_connections 50\nlistener 9001\n');
      assert.deepEqual(listeners(own), ['*:1884 mqtt', '*:9001 mqtt']);
      assert.deepEqual(own.listeners.map((l) => l.settings.maxConnections), [50, -1]);
    });

    it('without a password file, a login is accepted exactly where anonymous clients are', () => {
      const config = load('per_listener_settings true\nlistener 1883\nallow_anonymous true\nlistener 1884\n');
      const verdicts = config.listeners.map((l) =>
        config.brokerOptions.auth?.authenticate?.({
          clientId: 'c',
          username: 'student',
          connection: { remoteAddress: '127.0.0.1', remotePort: 1, listener: { port: l.port, address: '', key: `${l.port} `, protocol: l.protocol, settings: l.settings } },
        }),
      );
      assert.deepEqual(verdicts, [true, false]);
    });

    it('a bind address and ports from the command line are reported as overridden when the config defines listeners', () => {
      const config = load('listener 1883\n', { bind: '0.0.0.0', ports: [1884] });
      assert.deepEqual(config.overridden, { ports: [1884], bind: '0.0.0.0' });
      assert.deepEqual(config.listeners.map((l) => [l.port, l.bindAddress]), [[1883, undefined]]);
      assert.equal(load('', { bind: '0.0.0.0', ports: [1884] }).overridden, undefined);
    });
  });

  describe('limits, $SYS and logging', () => {
    it('defaults are mosquitto 2.0\'s', () => {
      const config = load('');
      assert.deepEqual(config.brokerOptions.limits, DEFAULT_LIMITS);
      assert.equal(config.brokerOptions.sysInterval, 10);
      assert.deepEqual(config.logging, {
        destinations: ['stderr'],
        types: ['error', 'warning', 'notice', 'information'],
        timestamps: true,
        connectionMessages: true,
      });
    });

    it('reads every limit', () => {
      const config = load(
        [
          'message_size_limit 1000',
          'max_packet_size 2000',
          'max_connect_packet_size 1000',
          'max_inflight_messages 5',
          'max_queued_messages 100',
          'max_queued_bytes 4096',
          'max_keepalive 60',
          'retain_available false',
          'sys_interval 0',
        ].join('\n'),
      );
      assert.deepEqual(config.brokerOptions.limits, {
        ...DEFAULT_LIMITS,
        messageSizeLimit: 1000,
        maxPacketSize: 2000,
        maxConnectPacketSize: 1000,
        maxInflightMessages: 5,
        receiveMaximum: 5,
        maxQueuedMessages: 100,
        maxQueuedBytes: 4096,
        maxKeepalive: 60,
        retainAvailable: false,
      });
      assert.equal(config.brokerOptions.sysInterval, 0);
    });

    it("negative limits mean no limit, as in mosquitto; max_inflight_messages 0 announces no Receive Maximum", () => {
      const { limits } = load('max_inflight_messages 0\nmax_queued_messages -1\nmax_queued_bytes -5\n').brokerOptions;
      assert.equal(limits.maxInflightMessages, 0);
      assert.equal(limits.receiveMaximum, 65535);
      assert.equal(limits.maxQueuedMessages, 0);
      assert.equal(limits.maxQueuedBytes, 0);
    });

    it('log_dest and log_type add up; none clears; -v shows every type', () => {
      const config = load('log_dest stdout\nlog_dest file /var/log/mqt.log\nlog_type error\nlog_type subscribe\nlog_type websockets\nlog_timestamp_format %Y-%m-%dT%H:%M:%S\nconnection_messages false\n');
      assert.deepEqual(config.logging, {
        destinations: ['stdout', 'file'],
        file: '/var/log/mqt.log',
        types: ['error', 'subscribe'],
        timestamps: true,
        timestampFormat: '%Y-%m-%dT%H:%M:%S',
        connectionMessages: false,
      });
      assert.equal(config.brokerOptions.connectionMessages, false);
      assert.deepEqual(load('log_dest none\nlog_type none\nlog_timestamp false\n').logging, { destinations: [], types: [], timestamps: false, connectionMessages: true });
      assert.equal(load('log_type error\n', { verbose: true }).logging.types.length, 7);
      assert.equal(load('log_type all\n').logging.types.length, 7);
    });

    it('per-packet debug lines are built only when debug is logged (-v, log_type debug or all)', () => {
      assert.equal(load('').brokerOptions.logDebug, false);
      assert.equal(load('log_type notice\n').brokerOptions.logDebug, false);
      assert.equal(load('', { verbose: true }).brokerOptions.logDebug, true);
      assert.equal(load('log_type debug\n').brokerOptions.logDebug, true);
      assert.equal(load('log_type all\n').brokerOptions.logDebug, true);
    });

    it('comments, blank lines, CRLF, indentation and a comment after a value are fine', () => {
      const config = load('# lab broker\r\n\r\n  listener 1883   # plain MQTT\r\n\tallow_anonymous true # for now\r\n');
      assert.deepEqual(listeners(config), ['*:1883 mqtt anonymous']);
    });

    it("mosquitto's defaults spelled out are read where only the default is supported: memory_limit 0, bridge_require_ocsp false", () => {
      const config = load('memory_limit 0\nlistener 1883\nconnection b\naddress 127.0.0.1\ntopic t\nbridge_require_ocsp false\n');
      assert.deepEqual(listeners(config), ['*:1883 mqtt']);
      assert.equal(config.bridges?.length, 1);
    });

    it('deprecated port, message_size_limit, include_dir loading are noted as mosquitto logs them', () => {
      const config = load('port 1883\nmessage_size_limit 10\ninclude_dir conf.d\n', {}, { 'conf.d/': '', 'conf.d/b.conf': 'sys_interval 3\n', 'conf.d/A.conf': 'sys_interval 2\n', 'conf.d/x.txt': 'junk\n' });
      assert.deepEqual(
        config.notes.map((n) => n.text),
        [
          "The 'port' option is now deprecated and will be removed in a future version. Please use 'listener' instead.",
          'Note: It is recommended to replace `message_size_limit` with `max_packet_size`.',
          'Loading config file conf.d/A.conf',
          'Loading config file conf.d/b.conf',
        ],
      );
      assert.equal(config.brokerOptions.sysInterval, 3);
    });

    it('an included file starts at the default listener and its listeners add up', () => {
      const config = load('listener 1883\ninclude_dir d\nmax_connections 7\n', {}, { 'd/': '', 'd/ws.conf': 'listener 9001\nprotocol websockets\n' });
      assert.deepEqual(listeners(config), ['*:1883 mqtt', '*:9001 websockets']);
      assert.equal(config.listeners[0]!.settings.maxConnections, 7);
    });
  });

  describe('TLS and TLS-PSK listeners (mosquitto 2.0)', () => {
    const TLS = 'certfile s.crt\nkeyfile s.key\n';

    it('certfile and keyfile make a certificate listener; use_identity_as_username takes the CN', () => {
      const [plain, tls] = load(`listener 1883\nlistener 8883\ncafile ca.crt\n${TLS}require_certificate true\nuse_identity_as_username true\n`).listeners;
      assert.equal(plain!.tls, undefined);
      assert.equal(plain!.settings.usernameFromTls, undefined);
      assert.deepEqual(tls!.tls, {
        kind: 'certificate',
        certfile: { path: 's.crt', origin: { file: 'm.conf', line: 4 } },
        keyfile: { path: 's.key', origin: { file: 'm.conf', line: 5 } },
        cafile: { path: 'ca.crt', origin: { file: 'm.conf', line: 3 } },
        requireCertificate: true,
        minVersion: 'tlsv1.2',
        usernameFrom: 'cn',
      });
      assert.equal(tls!.settings.usernameFromTls, true);
    });

    it('psk_hint makes a PSK listener with the global psk_file; the identity becomes the username', () => {
      const [psk] = load('psk_file psk.txt\nlistener 8884\npsk_hint mqt\nuse_identity_as_username true\ntls_version tlsv1.3\n').listeners;
      assert.deepEqual(psk!.tls, { kind: 'psk', hint: 'mqt', pskFile: { path: 'psk.txt', origin: { file: 'm.conf', line: 1 } }, minVersion: 'tlsv1.3', usernameFrom: 'psk' });
    });

    it('with per_listener_settings true, each listener has its own psk_file', () => {
      const [a, b] = load('per_listener_settings true\nlistener 8884\npsk_hint a\npsk_file a.txt\nlistener 8885\npsk_hint b\n').listeners;
      assert.equal(a!.tls?.kind === 'psk' ? a!.tls.pskFile?.path : undefined, 'a.txt');
      assert.equal(b!.tls?.kind === 'psk' ? b!.tls.pskFile : 'not psk', undefined);
    });

    it('psk_hint beside certfile/keyfile is ignored with a warning, as mosquitto makes it a certificate listener', () => {
      const config = load(`listener 8883\n${TLS}psk_hint mqt\n`);
      assert.equal(config.listeners[0]!.tls?.kind, 'certificate');
      assert.ok(config.notes.some((n) => n.text.includes('m.conf:4: psk_hint ignored')), JSON.stringify(config.notes));
    });

    it('cafile without certfile/keyfile leaves a plain listener, with a warning naming the line', () => {
      const config = load('listener 8883\ncafile ca.crt\n');
      assert.equal(config.listeners[0]!.tls, undefined);
      assert.deepEqual(
        config.notes.map((n) => n.text),
        ['Warning: m.conf:2: TLS settings ignored: this listener has neither certfile and keyfile nor psk_hint, so it is not a TLS listener.'],
      );
    });

    it('TLS lines before the first listener are defaults its own lines override', () => {
      const [tls] = load(`${TLS}tls_version tlsv1.3\nlistener 8883\ntls_version tlsv1.2\n`).listeners;
      assert.equal(tls!.tls?.kind, 'certificate');
      assert.equal(tls!.tls?.minVersion, 'tlsv1.2');
    });
  });

  describe('errors name the file, the line and the directive', () => {
    const cases: [string, string, string?][] = [
      ['listener 1883\nfoo bar\n', 'm.conf:2: Unknown configuration variable "foo".'],
      ['allow_anonymous maybe\n', 'm.conf:1: Invalid allow_anonymous value (maybe).'],
      ['allow_anonymous\n', 'm.conf:1: Empty allow_anonymous value in configuration.'],
      ['max_inflight_messages abc\n', 'm.conf:1: Invalid max_inflight_messages value (abc).'],
      ['max_inflight_messages 70000\n', 'm.conf:1: Invalid max_inflight_messages value (70000).'],
      ['max_packet_size 10\n', 'm.conf:1: Invalid max_packet_size value (10).'],
      ['maximum_qos 3\n', 'm.conf:1: Invalid maximum_qos value (3).'],
      ['max_keepalive 65536\n', 'm.conf:1: Invalid max_keepalive value (65536).'],
      ['listener\n', 'm.conf:1: Empty listener value in configuration.'],
      ['listener 70000\n', 'm.conf:1: Invalid port value (70000).'],
      ['listener 0\n', 'm.conf:1: A listener with port 0 must provide a Unix socket path.'],
      [
        'listener 8883 cafile /etc/mosquitto/certs/ca.crt certfile server.crt\n',
        'm.conf:1: Too many listener values (8883 cafile /etc/mosquitto/certs/ca.crt certfile server.crt): it takes a port and an address or socket path; each directive goes on a line of its own.',
      ],
      ['listener 1883\nprotocol mqttsn\n', 'm.conf:2: Invalid protocol value (mqttsn): use mqtt, websockets.'],
      ['socket_domain ipv5\n', 'm.conf:1: Invalid socket_domain value (ipv5): use ipv4, ipv6.'],
      ['log_dest syslog\n', 'm.conf:1: log_dest syslog is not supported by mqt serve: use stderr, stdout or file.'],
      ['log_dest paper\n', 'm.conf:1: Invalid log_dest value (paper).'],
      ['log_dest file a\nlog_dest file b\n', 'm.conf:2: Duplicate "log_dest file" value.'],
      ['log_type verbose\n', 'm.conf:1: Invalid log_type value (verbose): use error, warning, notice, information, debug, subscribe, unsubscribe, websockets, internal, all, none.'],
      ['listener 1883\nmemory_limit 1000\n', 'm.conf:2: memory_limit 1000 is not supported by mqt serve yet.'],
      ['memory_limit -1\n', 'm.conf:1: Invalid memory_limit value (-1).'],
      ['connection b\naddress h\ntopic t\nbridge_require_ocsp true\n', 'm.conf:4: bridge_require_ocsp true is not supported by mqt serve yet.'],
      ['bridge_require_ocsp false\n', 'm.conf:1: Invalid bridge configuration.'],
      ['listener 8883\ncertfile s.crt\n', 'm.conf:2: Both certfile and keyfile must be provided if one of them is set.'],
      ['listener 8883\ncafile a.crt\ncafile b.crt\n', 'm.conf:3: Duplicate cafile value in configuration.'],
      ['listener 8883\ntls_version tlsv1\n', 'm.conf:2: Invalid tls_version value (tlsv1): use tlsv1.3, tlsv1.2, tlsv1.1.'],
      ['listener 8883\ncertfile s.crt\nkeyfile s.key\nrequire_certificate true\n', 'm.conf:2: require_certificate true needs cafile or capath to check the client certificates.'],
      ['persistence maybe\n', 'm.conf:1: Invalid persistence value (maybe).'],
      ['autosave_interval -1\n', 'm.conf:1: Invalid autosave_interval value (-1).'],
      ['persistent_client_expiration 2x\n', 'm.conf:1: Invalid persistent_client_expiration duration (2x): use a number and h, d, w, m or y, e.g. 2d.'],
      ['auth_opt_db x\n', 'm.conf:1: An auth_opt_ option exists in the config file without an auth_plugin.'],
      ['plugin /usr/lib/mosquitto_go_auth.so\n', "m.conf:1: Unable to load plugin /usr/lib/mosquitto_go_auth.so: the only plugin built in is mosquitto's dynamic security (mosquitto_dynamic_security.so or dynamic-security); others cannot be loaded."],
      ['plugin dynamic-security\nplugin_opt_config_file\n', 'm.conf:2: Invalid auth_opt_ config option.'],
      ['auth_plugin_deny_special_chars false\n', 'm.conf:1: An auth_plugin_deny_special_chars option exists in the config file without an auth_plugin.'],
      ['plugin dynamic-security\nplugin /usr/lib/mosquitto_dynamic_security.so\n', 'm.conf:2: The dynamic security plugin is loaded once only.'],
      ['connection bridge1\n', 'Invalid bridge configuration: no remote addresses defined.'],
      ['connection b\naddress h\n', 'Invalid bridge configuration: no topics defined.'],
      ['topic a/# out\n', 'm.conf:1: Invalid bridge configuration.'],
      ['connection b\nconnection b\n', 'm.conf:2: Duplicate bridge name "b".'],
      ['connection b\naddress h:0\n', 'm.conf:2: Invalid port value (0).'],
      ['connection b\ntopic a/# sideways\n', "m.conf:2: Invalid bridge topic direction 'sideways'."],
      ['connection b\ntopic a/# in 3\n', "m.conf:2: Invalid bridge QoS level '3'."],
      ['connection b\ntopic "" both 1 local/\n', 'm.conf:2: Invalid bridge remapping.'],
      ['connection b\ntopic # both 0 a/+/\n', "m.conf:2: Invalid bridge topic local prefix 'a/+/'."],
      ['connection b\ntopic # both 0 a/# b/\n', "m.conf:2: Invalid bridge topic local prefix 'a/#'."],
      ['connection b\nrestart_timeout 10 5\n', 'm.conf:2: backoff cap is lower than the base in restart_timeout.'],
      ['connection b\nstart_type manual\n', 'm.conf:2: Manual start_type not supported.'],
      ['connection b\nbridge_protocol_version mqttv6\n', 'm.conf:2: Invalid bridge_protocol_version value (mqttv6).'],
      ['connection b\nbridge_cafile c\nbridge_psk 00\n', 'm.conf:3: Cannot use both certificate and psk encryption in a single bridge.'],
      ['connection b\naddress h\ntopic a\nbridge_psk 0a\n', 'Invalid bridge configuration: missing bridge_identity.'],
      [
        'connection a\naddress h\ntopic x\nlocal_clientid same\nconnection b\naddress h\ntopic x\nlocal_clientid same\n',
        "Bridge local_clientid 'same' is not unique. Try changing or setting the local_clientid value for one of the bridges.",
      ],
      ['allow_anonymous true\nper_listener_settings true\n', 'm.conf:2: per_listener_settings must be set before any other security settings.'],
      ['retain_available true false\n', 'm.conf:1: Unexpected "false" after the retain_available value.'],
      ['include_dir nowhere\n', 'm.conf:1: Unable to open include_dir nowhere: No such file or directory.'],
      ['include_dir d\n', 'd/bad.conf:2: Unknown configuration variable "bogus".', 'd/bad.conf'],
    ];
    for (const [text, expected, included] of cases) {
      it(expected, () => {
        const extra: Record<string, string> = included === undefined ? {} : { 'd/': '', [included]: 'listener 1884\nbogus 1\n' };
        assert.equal(errorOf(text, extra), expected);
      });
    }

    it('a missing config file', () => {
      assert.throws(() => readMosquittoConf('none.conf', memoryFiles({})), { message: 'Unable to open config file none.conf: No such file or directory.' });
      assert.throws(() => readMosquittoConf('d', memoryFiles({ 'd/': '' })), { message: 'Config file d is a directory.' });
    });
  });

  describe('persistence', () => {
    const cases: [string, string, Partial<CommandLineSettings>, ServeConfig['persistence']][] = [
      ['off unless asked', 'persistence false\npersistence_location /var/lib/mosquitto/\n', {}, undefined],
      ["mosquitto's defaults: mosquitto.db in the working directory, every 1800 s", 'persistence true\n', {}, { dir: join(process.cwd(), 'mosquitto.db.journal'), stateFile: join(process.cwd(), 'mosquitto.db'), autosaveInterval: 1800, autosaveOnChanges: false }],
      [
        'location, file and autosave as written',
        'persistence true\npersistence_location /var/lib/mosquitto/\npersistence_file broker.db\nautosave_interval 100\nautosave_on_changes true\n',
        {},
        { dir: '/var/lib/mosquitto/broker.db.journal', stateFile: '/var/lib/mosquitto/broker.db', autosaveInterval: 100, autosaveOnChanges: true },
      ],
      ['retained_persistence is its old name', 'retained_persistence true\npersistence_location /p\n', {}, { dir: '/p/mosquitto.db.journal', stateFile: '/p/mosquitto.db', autosaveInterval: 1800, autosaveOnChanges: false }],
      ['--persist turns it on, in that folder', '', { persistDir: '/tmp/j' }, { dir: '/tmp/j', autosaveInterval: 1800, autosaveOnChanges: false }],
    ];
    for (const [title, text, cli, expected] of cases) {
      it(title, () => {
        assert.deepEqual(load(text, cli).persistence, expected);
      });
    }

    it("persistent_client_expiration in mosquitto's units", () => {
      assert.equal(load('persistent_client_expiration 2d\n').brokerOptions.limits.persistentClientExpiration, 172_800);
      assert.equal(load('persistent_client_expiration 1m\n').brokerOptions.limits.persistentClientExpiration, 30 * 86_400);
    });
  });
});
