import assert from 'node:assert/strict';
import type { NetworkInterfaceInfo } from 'node:os';
import { parseConfText } from '../../src/lib/broker/config/mosquitto-conf.js';
import { buildServeConfig } from '../../src/lib/broker/config/serve-config.js';
import { emptyConfState } from '../../src/lib/broker/config/state.js';
import type { ServeConfig } from '../../src/lib/broker/config/types.js';
import { interfaceAddresses } from '../../src/lib/broker/network/interface-addresses.js';

function load(text: string): ServeConfig {
  const state = emptyConfState();
  parseConfText(state, text, 'm.conf');
  return buildServeConfig(state, { ports: [], unixPaths: [], wsPorts: [], verbose: false, version: '0.1.0', configFile: 'm.conf' });
}

const at = (line: number) => ({ file: 'm.conf', line });

describe('mosquitto.conf: crlfile, dhparamfile, bind_interface, http_dir and the websockets settings', () => {
  const TLS = 'cafile ca.crt\ncertfile s.crt\nkeyfile s.key\n';

  it('crlfile and dhparamfile belong to the TLS listener they follow; tls_keyform pem is the default', () => {
    const [tls] = load(`listener 8883\n${TLS}crlfile ca.crl\ndhparamfile dh.pem\ntls_keyform pem\n`).listeners;
    assert.equal(tls!.tls?.kind, 'certificate');
    assert.deepEqual(tls!.tls?.kind === 'certificate' ? [tls!.tls.crlfile, tls!.tls.dhparamfile] : [], [
      { path: 'ca.crl', origin: at(5) },
      { path: 'dh.pem', origin: at(6) },
    ]);
  });

  it('dhparamfile also serves a PSK listener (DHE-PSK suites)', () => {
    const [psk] = load('listener 8884\npsk_hint mqt\ndhparamfile dh.pem\n').listeners;
    assert.deepEqual(psk!.tls, { kind: 'psk', hint: 'mqt', minVersion: 'tlsv1.2', dhparamfile: { path: 'dh.pem', origin: at(3) } });
  });

  it('crlfile on a listener without certfile/keyfile is noted as ignored TLS, naming its line', () => {
    const config = load('listener 1883\ncrlfile ca.crl\n');
    assert.equal(config.listeners[0]!.tls, undefined);
    assert.ok(config.notes.some((n) => n.text.startsWith('Warning: m.conf:2: TLS settings ignored')), JSON.stringify(config.notes));
  });

  it('bind_interface and http_dir are listener settings; websockets_headers_size reaches the websockets listeners', () => {
    const config = load('websockets_headers_size 32768\nlistener 1883\nbind_interface lo\nlistener 9001\nprotocol websockets\nhttp_dir /srv/www\n');
    const [mqtt, ws] = config.listeners;
    assert.deepEqual(mqtt!.bindInterface, { name: 'lo', origin: at(3) });
    assert.equal(mqtt!.httpHeadersSize, undefined);
    assert.equal(ws!.bindInterface, undefined);
    assert.deepEqual(ws!.httpDir, { path: '/srv/www', origin: at(6) });
    assert.equal(ws!.httpHeadersSize, 32768);
    assert.deepEqual(config.notes, []);
  });

  it('http_dir on an MQTT listener is ignored with a warning, as mosquitto serves it on websockets only', () => {
    const config = load('listener 1883\nhttp_dir /srv/www\n');
    assert.equal(config.listeners[0]!.httpDir, undefined);
    assert.deepEqual(config.notes.map((n) => n.text), ['Warning: m.conf:2: http_dir ignored: this listener is not a websockets listener.']);
  });

  it('websockets_log_level and log_facility are read and change nothing', () => {
    assert.deepEqual(load('listener 1883\nwebsockets_log_level 255\nlog_facility 5\n'), load('listener 1883\n'));
  });

  const errors: [string, string][] = [
    ['log_facility 8\n', 'm.conf:1: Invalid log_facility value (8).'],
    ['websockets_headers_size 70000\n', 'm.conf:1: Websockets headers size must be between 0 and 65535 inclusive.'],
    ['websockets_headers_size big\n', 'm.conf:1: Invalid websockets_headers_size value (big).'],
    ['websockets_log_level loud\n', 'm.conf:1: Invalid websockets_log_level value (loud).'],
    ['listener 1883\nbind_interface\n', 'm.conf:2: Empty bind_interface value in configuration.'],
    ['listener 9001\nhttp_dir\n', 'm.conf:2: Empty http_dir value in configuration.'],
    ['listener 8883\ncrlfile a.crl\ncrlfile b.crl\n', 'm.conf:3: Duplicate crlfile value in configuration.'],
    ['listener 8883\ntls_keyform der\n', 'm.conf:2: Invalid tls_keyform value (der): use pem, engine.'],
    [
      'listener 8883\ntls_keyform engine\n',
      'm.conf:2: tls_keyform engine needs an OpenSSL engine (tls_engine), which mqt serve does not support: give keyfile in PEM.',
    ],
    ['listener 8883\ntls_engine pkcs11\n', 'm.conf:2: tls_engine is not supported by mqt serve yet.'],
  ];
  for (const [text, message] of errors) {
    it(message, () => {
      assert.throws(() => load(text), { message });
    });
  }
});

describe('bind_interface addresses', () => {
  const bind = { name: 'eth0', origin: at(4) };
  const address = (family: 'IPv4' | 'IPv6', value: string, scopeid?: number): NetworkInterfaceInfo =>
    ({ address: value, family, netmask: '', mac: '', internal: false, cidr: null, ...(scopeid === undefined ? {} : { scopeid }) }) as NetworkInterfaceInfo;
  const interfaces = {
    lo: [address('IPv4', '127.0.0.1'), address('IPv6', '::1', 0)],
    eth0: [address('IPv4', '192.0.2.2'), address('IPv6', 'fd00::2', 0), address('IPv6', 'fe80::1', 4)],
  };

  it('every address of the interface, a link-local one with the interface as its scope', () => {
    assert.deepEqual(interfaceAddresses(bind, interfaces, undefined), ['192.0.2.2', 'fd00::2', 'fe80::1%eth0']);
  });

  it('socket_domain keeps one family; names match ignoring case, as in mosquitto', () => {
    assert.deepEqual(interfaceAddresses({ ...bind, name: 'ETH0' }, interfaces, 4), ['192.0.2.2']);
  });

  it("with a listener address, only that one, which must be the interface's", () => {
    assert.deepEqual(interfaceAddresses(bind, interfaces, undefined, { name: 'fd00::2', addresses: ['fd00::2'] }), ['fd00::2']);
    assert.throws(() => interfaceAddresses(bind, interfaces, undefined, { name: 'localhost', addresses: ['127.0.0.1', '::1'] }), {
      message: 'm.conf:4: Interface address for eth0 does not match specified listener address (localhost).',
    });
  });

  it('an unknown interface, or one without an address of the family, is one error naming the line', () => {
    assert.throws(() => interfaceAddresses({ ...bind, name: 'wlan9' }, interfaces, undefined), { message: 'm.conf:4: Interface wlan9 does not exist.' });
    assert.throws(() => interfaceAddresses(bind, { eth0: [address('IPv4', '192.0.2.2')] }, 6), { message: 'm.conf:4: Interface eth0 has no IPv6 address to listen on.' });
  });
});
