import assert from 'node:assert/strict';
import { bridgeSettings } from '../../src/lib/broker/config/bridge-directives.js';
import { parseConfText } from '../../src/lib/broker/config/mosquitto-conf.js';
import { emptyConfState } from '../../src/lib/broker/config/state.js';
import { RestartDelay } from '../../src/lib/bridge/restart-delay.js';
import { localTopicOf, remoteTopicOf } from '../../src/lib/bridge/topic-map.js';

function bridges(text: string): ReturnType<typeof bridgeSettings> {
  const conf = emptyConfState();
  parseConfText(conf, text, 'm.conf');
  return bridgeSettings(conf.bridges, 'pi');
}

describe('bridge sections of mosquitto.conf', () => {
  it("takes mosquitto's defaults: HOSTNAME.NAME, local.ID, v3.1.1, try_private, 5-30 s backoff", () => {
    const [b] = bridges('connection up\naddress broker.lan\ntopic #\n');
    assert.deepEqual(b, {
      name: 'up',
      addresses: [{ host: 'broker.lan', port: 1883 }],
      roundRobin: false,
      topics: [{ direction: 'out', qos: 0, localTopic: '#', remoteTopic: '#' }],
      protocolVersion: 4,
      cleanSession: false,
      localCleanSession: false,
      remoteClientId: 'pi.up',
      localClientId: 'local.pi.up',
      keepalive: 60,
      restart: { base: 5, cap: 30 },
      startType: 'automatic',
      threshold: 10,
      idleTimeout: 60,
      tryPrivate: true,
      notifications: true,
      notificationsLocalOnly: false,
      outgoingRetain: true,
      maxPacketSize: 0,
      attemptUnsubscribe: true,
    });
  });

  it('reads several addresses, IPv6 with its port, prefixes with "" for none, and the old names', () => {
    const [b] = bridges(
      [
        'connection up',
        'addresses 10.0.0.1 [::1]:1884 # backups',
        'topic sensors/# both 2 "" site1/',
        'topic "" in 1 local/cmd hq/cmd',
        'clientid edge',
        'username u',
        'password p',
        'cleansession true',
        'keepalive_interval 2',
        'threshold 0',
      ].join('\n'),
    );
    assert.deepEqual(b!.addresses, [
      { host: '10.0.0.1', port: 1883 },
      { host: '::1', port: 1884 },
    ]);
    assert.deepEqual(b!.topics, [
      { direction: 'both', qos: 2, localTopic: 'sensors/#', remoteTopic: 'site1/sensors/#', remotePrefix: 'site1/' },
      { direction: 'in', qos: 1, localTopic: 'local/cmd', remoteTopic: 'hq/cmd', localPrefix: 'local/cmd', remotePrefix: 'hq/cmd' },
    ]);
    assert.equal(b!.remoteClientId, 'edge');
    assert.equal(b!.localClientId, 'local.edge');
    assert.deepEqual([b!.remoteUsername, b!.remotePassword, b!.cleanSession, b!.localCleanSession], ['u', 'p', true, true]);
    assert.equal(b!.keepalive, 5);
    assert.equal(b!.threshold, 1);
  });

  it('turns TLS on with a CA or a pre-shared key only, as mosquitto', () => {
    const [plain, ca, psk] = bridges(
      ['connection a\naddress h\ntopic x\nbridge_insecure true', 'connection b\naddress h\ntopic x\nbridge_cafile ca.crt', 'connection c\naddress h\ntopic x\nbridge_identity id\nbridge_psk 0a0b'].join('\n'),
    );
    assert.equal(plain!.tls, undefined);
    assert.deepEqual(ca!.tls, { insecure: false, cafile: 'ca.crt' });
    assert.deepEqual(psk!.tls, { insecure: false, identity: 'id', psk: '0a0b' });
  });
});

describe('bridge topic remapping (bridge_topic.c)', () => {
  const [b] = bridges('connection up\naddress h\ntopic sensors/# out 1 "" site1/\ntopic cmd/# in 1 local/ hq/\ntopic "" both 0 here/x there/y\n');
  const topics = b!.topics;

  it('swaps the prefixes of the first matching line of the direction', () => {
    assert.equal(remoteTopicOf(topics, 'sensors/t'), 'site1/sensors/t');
    assert.equal(localTopicOf(topics, 'hq/cmd/reboot'), 'local/cmd/reboot');
    assert.equal(localTopicOf(topics, 'there/y'), 'here/x');
    assert.equal(remoteTopicOf(topics, 'here/x'), 'there/y');
  });

  it('leaves a topic of no line of that direction as it is', () => {
    assert.equal(localTopicOf(topics, 'site1/sensors/t'), 'site1/sensors/t');
    assert.equal(remoteTopicOf(topics, 'local/cmd/x'), 'local/cmd/x');
  });
});

describe('restart_timeout', () => {
  it('waits the one value given every time', () => {
    const delay = new RestartDelay({ base: 7, cap: undefined });
    assert.deepEqual([delay.next(), delay.next()], [7, 7]);
  });

  it('backs off from BASE up to CAP with jitter, and starts again from BASE once connected', () => {
    const highest = new RestartDelay({ base: 5, cap: 30 }, () => 0.999);
    assert.deepEqual([highest.next(), highest.next(), highest.next()], [14, 30, 30]);
    highest.reset();
    assert.equal(highest.next(), 14);
    const lowest = new RestartDelay({ base: 5, cap: 30 }, () => 0);
    assert.deepEqual([lowest.next(), lowest.next()], [5, 5]);
  });
});
