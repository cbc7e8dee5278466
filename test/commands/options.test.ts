import assert from 'node:assert/strict';
import { indexFlags, lastValue, readArgv } from '../../src/commands/options/argv.js';
import { resolveConnect } from '../../src/commands/options/connect.js';
import { resolveMessage } from '../../src/commands/options/message.js';
import { resolveSubscribe } from '../../src/commands/options/subscribe.js';
import { pubOptionGroups } from '../../src/commands/options/pub.js';
import { subOptionGroups } from '../../src/commands/options/sub.js';
import { assertUsageError as usageError } from '../support/usage-error.js';

const pubFlags = indexFlags(pubOptionGroups);
const subFlags = indexFlags(subOptionGroups);

function pub(argv: string[]) {
  const args = readArgv(argv, pubFlags);
  return { connect: resolveConnect(args, { invalidIdText: 'Invalid id.' }), message: resolveMessage(args) };
}

describe('argv reader (mosquitto rules)', () => {
  it('takes the next argument as the value, whatever it looks like', () => {
    const args = readArgv(['-m', '-d', '-t', 'a'], pubFlags);
    assert.equal(lastValue(args, 'message'), '-d');
    assert.equal(args.values.has('debug'), false);
  });

  it('accepts --long=value, which mosquitto does not', () => {
    assert.equal(lastValue(readArgv(['--qos=2'], pubFlags), 'qos'), '2');
  });

  it('refuses clustered short flags and positional arguments by name', () => {
    usageError(() => readArgv(['-dq', '1'], pubFlags), "Unknown option '-dq'.");
    usageError(() => readArgv(['extra'], pubFlags), "Unknown option 'extra'.");
    usageError(() => readArgv(['--debug=1'], pubFlags), "Unknown option '--debug=1'.");
  });

  it("says which value is missing, in mosquitto's words", () => {
    usageError(() => readArgv(['-t'], pubFlags), '-t argument given but no topic specified.');
    usageError(() => readArgv(['-h'], pubFlags), '-h argument given but no host specified.');
    usageError(() => readArgv(['-D', 'publish', 'content-type'], pubFlags), '--property argument given but not enough arguments specified.');
  });

  it('collects -D tuples, four words for user-property', () => {
    const args = readArgv(['-D', 'publish', 'user-property', 'k', 'v', '-D', 'connect', 'receive-maximum', '5'], pubFlags);
    assert.deepEqual(args.properties, [
      ['publish', 'user-property', 'k', 'v'],
      ['connect', 'receive-maximum', '5'],
    ]);
  });

  it('lets sub repeat -t while the last value of a scalar wins', () => {
    const args = readArgv(['-t', 'a', '-t', 'b', '-q', '1', '-q', '2'], subFlags);
    assert.deepEqual(args.values.get('topic'), ['a', 'b']);
    assert.equal(lastValue(args, 'qos'), '2');
  });
});

describe('pub settings', () => {
  it('defaults to MQTT 3.1.1, localhost:1883, keepalive 60, no client id, clean session', () => {
    const { connect, message } = pub(['-t', 'PV/sunshine', '-m', 'yes']);
    assert.deepEqual(connect.target, { kind: 'tcp', host: 'localhost', port: 1883, noDelay: false });
    assert.equal(connect.client.protocolVersion, 4);
    assert.equal(connect.client.keepalive, 60);
    assert.equal(connect.client.clientId, '');
    assert.equal(connect.client.clean, true);
    assert.equal(message.qos, 0);
    assert.equal(message.topic, 'PV/sunshine');
  });

  it('maps every -V spelling', () => {
    for (const [text, level] of [['mqttv31', 3], ['31', 3], ['mqttv311', 4], ['311', 4], ['mqttv5', 5], ['5', 5]] as const) {
      assert.equal(pub(['-t', 't', '-n', '-V', text]).connect.client.protocolVersion, level);
    }
    usageError(() => pub(['-t', 't', '-n', '-V', '4']), 'Invalid protocol version argument given.');
  });

  it('gives MQTT 3.1 a generated mosq- client id', () => {
    assert.match(pub(['-t', 't', '-n', '-V', '31']).connect.client.clientId, /^mosq-[A-Za-z0-9]{18}$/);
  });

  it('builds -I ids from the prefix and the process id', () => {
    assert.equal(pub(['-t', 't', '-n', '-I', 'pre']).connect.client.clientId, `pre${process.pid}`);
    usageError(() => pub(['-t', 't', '-n', '-I', 'pre', '-i', 'x']), '-i and -I argument cannot be used together.');
    usageError(() => pub(['-t', 't', '-n', '-i', '']), 'Invalid id.');
  });

  it("applies mosquitto's session rules", () => {
    usageError(() => pub(['-t', 't', '-n', '-c']), 'You must provide a client id if you are using the -c option.');
    usageError(() => pub(['-t', 't', '-n', '-c', '-V', '5']), 'You must provide a client id if you are using an infinite session expiry interval.');
    const v5 = pub(['-t', 't', '-n', '-c', '-V', '5', '-i', 'me']).connect.client;
    assert.equal(v5.clean, false);
    assert.equal(v5.connectProperties?.sessionExpiryInterval, 4294967295);
    usageError(() => pub(['-t', 't', '-n', '-x', '120', '-V', '311']), '-x/--session-expiry needs MQTT v5: drop -V or use -V 5.');
    const expiry = pub(['-t', 't', '-n', '-x', '120']).connect.client;
    assert.equal(expiry.protocolVersion, 5, '-x implies MQTT 5');
    assert.equal(expiry.connectProperties?.sessionExpiryInterval, 120);
  });

  it('takes the password from -P, --pw-env or --pw-file, and -P alone means a prompt', () => {
    assert.deepEqual(pub(['-t', 't', '-n', '-P', 'pw']).connect.passwordSource, { kind: 'value', value: 'pw' });
    assert.deepEqual(pub(['-t', 't', '-n', '--pw-env', 'PW']).connect.passwordSource, { kind: 'env', name: 'PW' });
    assert.deepEqual(pub(['-t', 't', '-n', '--pw-file', 'f']).connect.passwordSource, { kind: 'file', path: 'f' });
    assert.deepEqual(pub(['-t', 't', '-n', '-P']).connect.passwordSource, { kind: 'prompt' });
    assert.equal(pub(['-t', 't', '-n']).connect.passwordSource, undefined);
    usageError(() => pub(['-t', 't', '-n', '-P', 'a', '--pw-file', 'f']), 'Only one of -P, --pw-env and --pw-file may be given.');
    usageError(() => pub(['-t', 't', '-n', '--pw-env']), '--pw-env argument given but no variable name specified.');
  });

  it('validates numbers instead of turning junk into 0', () => {
    usageError(() => pub(['-t', 't', '-n', '-q', 'abc']), 'Invalid QoS given: abc');
    usageError(() => pub(['-t', 't', '-n', '-q', '3']), 'Invalid QoS given: 3');
    usageError(() => pub(['-t', 't', '-n', '-p', '70000']), 'Invalid port given: 70000');
    usageError(() => pub(['-t', 't', '-n', '-p', '0']), 'Invalid port given: 0 (use --unix PATH for a unix socket)');
    usageError(() => pub(['-t', 't', '-n', '-k', '4']), 'Invalid keepalive given, it must be between 5 and 65535 inclusive.');
    usageError(() => pub(['-t', 't', '-n', '-M', '0']), 'Maximum inflight messages must be greater than 0.');
    usageError(() => pub(['-t', 't', '-n', '--repeat', '0']), '--repeat argument must be >0.');
    usageError(() => pub(['-t', 't', '-n', '--repeat-delay', '-1']), '--repeat-delay argument must be >=0.0.');
  });

  it('needs exactly one message source and a valid topic', () => {
    usageError(() => pub(['-t', 't']), 'Both topic and message must be supplied.');
    usageError(() => pub(['-m', 'x']), 'Both topic and message must be supplied.');
    usageError(() => pub(['-t', 't', '-m', 'x', '-n']), 'Only one type of message can be sent at once.');
    usageError(() => pub(['-t', 't', '-m', 'x', '-m', 'y']), 'Only one type of message can be sent at once.');
    usageError(() => pub(['-t', 'a/+', '-m', 'x']), "Invalid publish topic 'a/+', does it contain '+' or '#'?");
    usageError(() => pub(['-t', '', '-m', 'x']), "Invalid publish topic '', a topic must not be empty.");
  });

  it('checks the will flags together', () => {
    usageError(() => pub(['-t', 't', '-n', '--will-payload', 'x']), 'Will payload given, but no will topic given.');
    usageError(() => pub(['-t', 't', '-n', '--will-retain']), 'Will retain given, but no will topic given.');
    usageError(() => pub(['-t', 't', '-n', '--will-topic', 'w/#']), "Invalid will topic 'w/#', does it contain '+' or '#'?");
    usageError(() => pub(['-t', 't', '-n', '--will-topic', 'w', '--will-qos', '3']), 'Invalid will QoS 3.');
    usageError(() => pub(['-t', 't', '-n', '--will-qos', '7']), 'Invalid will QoS 7.');
    const will = pub(['-t', 't', '-n', '--will-topic', 'w', '--will-payload', 'gone', '--will-qos', '1', '--will-retain']).connect.client.will;
    assert.deepEqual(will, { topic: 'w', payload: Buffer.from('gone'), qos: 1, retain: true });
  });

  it('turns -D into typed properties per packet and implies MQTT 5', () => {
    const { connect } = pub([
      '-t', 't', '-n',
      '-D', 'publish', 'content-type', 'text/plain',
      '-D', 'publish', 'user-property', 'a', '1',
      '-D', 'publish', 'user-property', 'a', '2',
      '-D', 'publish', 'correlation-data', 'abc',
      '-D', 'connect', 'receive-maximum', '10',
      '-D', 'will', 'message-expiry-interval', '60',
    ]);
    assert.equal(connect.client.protocolVersion, 5);
    assert.deepEqual(connect.properties.publish, {
      contentType: 'text/plain',
      userProperties: [['a', '1'], ['a', '2']],
      correlationData: Buffer.from('abc'),
    });
    assert.equal(connect.client.connectProperties?.receiveMaximum, 10);
    assert.deepEqual(connect.properties.will, { messageExpiryInterval: 60 });
  });

  it("refuses -D mistakes with mosquitto's messages", () => {
    usageError(() => pub(['-t', 't', '-n', '-D', 'connect', 'will-delay-interval', '5']), 'will-delay-interval property not allowed for connect in --property argument.');
    usageError(() => pub(['-t', 't', '-n', '-D', 'publish', 'subscription-identifier', '5']), 'subscription-identifier property not supported for publish in --property argument.');
    usageError(() => pub(['-t', 't', '-n', '-D', 'puback', 'reason-string', 'x']), 'reason-string property not supported for puback in --property argument.');
    usageError(() => pub(['-t', 't', '-n', '-D', 'nope', 'content-type', 'x']), 'Invalid command nope given in --property argument.');
    usageError(() => pub(['-t', 't', '-n', '-D', 'publish', 'nope', 'x']), 'Invalid property name nope given in --property argument.');
    usageError(() => pub(['-t', 't', '-n', '-D', 'connect', 'request-problem-information', '256']), 'Property value (256) out of range for property request-problem-information.');
    usageError(() => pub(['-t', 't', '-n', '-D', 'publish', 'content-type', 'a', '-V', '311']), '-D/--property needs MQTT v5: drop -V or use -V 5.');
    usageError(() => pub(['-t', 't', '-n', '-D', 'publish', 'content-type', 'a', '-D', 'publish', 'content-type', 'b']), 'Duplicate content-type property in --property argument.');
    usageError(() => pub(['-t', 't', '-n', '-D', 'subscribe', 'subscription-identifier', '1', '-D', 'subscribe', 'subscription-identifier', '2']), 'Duplicate subscription-identifier property in --property argument.');
  });
});

describe('sub settings', () => {
  function sub(argv: string[]) {
    return resolveSubscribe(readArgv(argv, subFlags));
  }

  it('subscribes every -t at the -q QoS, with -R as retain handling 2', () => {
    const settings = sub(['-t', 'a/#', '-t', 'b/+', '-q', '1', '-R', '--retain-as-published']);
    assert.deepEqual(settings.subscriptions, [
      { topicFilter: 'a/#', qos: 1, retainAsPublished: true, retainHandling: 2 },
      { topicFilter: 'b/+', qos: 1, retainAsPublished: true, retainHandling: 2 },
    ]);
  });

  it('sets the v5 subscription options --nl, --rap and --rh', () => {
    assert.deepEqual(sub(['-t', 'a', '--nl', '--rap', '--rh', 'new']).subscriptions, [
      { topicFilter: 'a', qos: 0, retainAsPublished: true, noLocal: true, retainHandling: 1 },
    ]);
    assert.deepEqual(sub(['-t', 'a', '-R', '--rh', '0']).subscriptions, [{ topicFilter: 'a', qos: 0 }]);
    usageError(() => sub(['-t', 'a', '--rh', '3']), "Unknown value '3' for --retain-handling.");
  });

  it('validates filters and counts', () => {
    usageError(() => sub([]), 'You must specify a topic to subscribe to (-t) or unsubscribe from (-U).');
    usageError(() => sub(['-t', 'a/#/b']), "Invalid subscription topic 'a/#/b', are all '+' and '#' wildcards correct?");
    usageError(() => sub(['-t', 'a', '-T', '++']), "Invalid filter topic '++', are all '+' and '#' wildcards correct?");
    usageError(() => sub(['-t', 'a', '-U', 'a+']), "Invalid unsubscribe topic 'a+', are all '+' and '#' wildcards correct?");
    usageError(() => sub(['-t', 'a', '-C', '0']), 'Invalid message count "0".');
    usageError(() => sub(['-t', 'a', '-W', '0']), 'Invalid timeout "0".');
    usageError(() => sub(['-t', 'a', '-R', '--retained-only']), "Combining '-R' and '--retained-only' makes no sense.");
  });

  it('reads --random-filter as a real percentage', () => {
    assert.equal(sub(['-t', 'a', '--random-filter', '10']).printChance, 0.1);
    usageError(() => sub(['-t', 'a', '--random-filter', '101']), '--random-filter chance must be between 0.1-100.0');
  });

  it('lowers the v5 receive maximum to -C when it is under 20', () => {
    const args = readArgv(['-t', 'a', '-C', '3', '-V', '5'], subFlags);
    const connect = resolveConnect(args, { invalidIdText: 'Invalid id and/or clean_session.', receiveMaximum: 3 });
    assert.equal(connect.client.connectProperties?.receiveMaximum, 3);
  });
});
