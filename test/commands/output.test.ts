import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { forEachLine } from '../../src/commands/ui/stdin-lines.js';
import { debugLine } from '../../src/lib/output/debug-lines.js';
import { renderPlain } from '../../src/lib/output/plain.js';
import type { PublishPacket } from '../../src/lib/protocol/packets.js';

function message(topic: string, payload: string, extra: Partial<PublishPacket> = {}): PublishPacket {
  return { type: 'publish', topic, payload: Buffer.from(payload), qos: 0, retain: false, dup: false, ...extra };
}

function plain(msg: PublishPacket, verbose: boolean, eol: boolean): string {
  const parts: Buffer[] = [];
  renderPlain(msg, { verbose, eol }, parts);
  return Buffer.concat(parts).toString();
}

describe('-d lines', () => {
  it("match libmosquitto's wording for the classroom flow", () => {
    assert.equal(debugLine('sending', { type: 'connect', protocolVersion: 4, clean: true, keepalive: 60, clientId: '' }, ''), 'Client (null) sending CONNECT');
    assert.equal(debugLine('received', { type: 'connack', sessionPresent: false, reasonCode: 0 }, ''), 'Client (null) received CONNACK (0)');
    assert.equal(
      debugLine('sending', message('PV/sunshine', 'yes'), '', 1),
      "Client (null) sending PUBLISH (d0, q0, r0, m1, 'PV/sunshine', ... (3 bytes))",
    );
    assert.equal(
      debugLine('received', message('t/r', 'ret', { qos: 1, retain: true, packetId: 1 }), 'myid'),
      "Client myid received PUBLISH (d0, q1, r1, m1, 't/r', ... (3 bytes))",
    );
  });

  it('show the acks of both QoS flows as mosquitto does', () => {
    assert.equal(debugLine('received', { type: 'puback', packetId: 1, reasonCode: 16 }, 'c'), 'Client c received PUBACK (Mid: 1, RC:16)');
    assert.equal(debugLine('sending', { type: 'puback', packetId: 2 }, 'c'), 'Client c sending PUBACK (m2, rc0)');
    assert.equal(debugLine('received', { type: 'pubrec', packetId: 1 }, 'c'), 'Client c received PUBREC (Mid: 1)');
    assert.equal(debugLine('sending', { type: 'pubrec', packetId: 1 }, 'c'), 'Client c sending PUBREC (m1, rc0)');
    assert.equal(debugLine('sending', { type: 'pubrel', packetId: 1 }, 'c'), 'Client c sending PUBREL (m1)');
    assert.equal(debugLine('received', { type: 'pubrel', packetId: 1 }, 'c'), 'Client c received PUBREL (Mid: 1)');
    assert.equal(debugLine('sending', { type: 'pubcomp', packetId: 1 }, 'c'), 'Client c sending PUBCOMP (m1)');
    assert.equal(debugLine('received', { type: 'pubcomp', packetId: 1 }, 'c'), 'Client c received PUBCOMP (Mid: 1, RC:0)');
  });

  it('print one SUBSCRIBE line per filter with the options byte', () => {
    const line = debugLine(
      'sending',
      {
        type: 'subscribe',
        packetId: 1,
        subscriptions: [
          { topicFilter: 'a/#', qos: 1 },
          { topicFilter: 'b', qos: 0, retainAsPublished: true, retainHandling: 2 },
        ],
      },
      '',
    );
    assert.equal(
      line,
      'Client (null) sending SUBSCRIBE (Mid: 1, Topic: a/#, QoS: 1, Options: 0x00)\n' +
        'Client (null) sending SUBSCRIBE (Mid: 1, Topic: b, QoS: 0, Options: 0x28)',
    );
  });

  it('show a server DISCONNECT with its reason and an aliased topic as (null)', () => {
    assert.equal(debugLine('received', { type: 'disconnect', reasonCode: 0x8e }, 'c'), 'Received DISCONNECT (142)');
    assert.equal(debugLine('sending', message('', 'x', { qos: 1, packetId: 2 }), 'c'), "Client c sending PUBLISH (d0, q1, r0, m2, '(null)', ... (1 bytes))");
  });
});

describe("sub's plain output", () => {
  it('prints the payload, or "topic payload" with -v', () => {
    assert.equal(plain(message('a/b', 'hi'), false, true), 'hi\n');
    assert.equal(plain(message('a/b', 'hi'), true, true), 'a/b hi\n');
    assert.equal(plain(message('a/b', 'hi'), true, false), 'a/b hi');
    assert.equal(plain(message('a/b', 'hi'), false, false), 'hi');
  });

  it('prints nothing for an empty payload, or "topic (null)" with -v but not with -v -N', () => {
    assert.equal(plain(message('a/b', ''), false, true), '');
    assert.equal(plain(message('a/b', ''), true, true), 'a/b (null)\n');
    assert.equal(plain(message('a/b', ''), true, false), '');
  });

  it('with -v, shows v5 properties between the topic and the payload; only -v, and only when there are some', () => {
    const properties = { contentType: 'text/plain', userProperties: [['unit', 'C']] as [string, string][] };
    assert.equal(plain(message('a/b', '21.5', { properties }), true, true), 'a/b [content-type=text/plain unit:C] 21.5\n');
    assert.equal(plain(message('a/b', '', { properties }), true, true), 'a/b [content-type=text/plain unit:C] (null)\n');
    assert.equal(plain(message('a/b', '', { properties }), true, false), '');
    assert.equal(plain(message('a/b', '21.5', { properties }), false, true), '21.5\n');
    assert.equal(plain(message('a/b', 'hi', { properties: {} }), true, true), 'a/b hi\n');
  });
});

describe('stdin lines for pub -l', () => {
  async function lines(chunks: string[]): Promise<string[]> {
    const seen: string[] = [];
    await forEachLine(Readable.from(chunks.map((c) => Buffer.from(c))), (line) => {
      seen.push(line.toString());
      return undefined;
    });
    return seen;
  }

  it('splits on newline, keeps \\r, keeps empty lines and a last line without newline', async () => {
    assert.deepEqual(await lines(['a\r\n\nb', 'c\nlast']), ['a\r', '', 'bc', 'last']);
  });

  it('handles lines spread over many chunks and sends nothing for empty input', async () => {
    assert.deepEqual(await lines(['x', 'y', 'z', '\n', '1', '\n']), ['xyz', '1']);
    assert.deepEqual(await lines([]), []);
  });

  it('waits for the promise the callback returns before the next line', async () => {
    const order: string[] = [];
    await forEachLine(Readable.from([Buffer.from('1\n2\n')]), (line) => {
      order.push(`start ${line.toString()}`);
      return new Promise((resolve) =>
        setTimeout(() => {
          order.push(`end ${line.toString()}`);
          resolve();
        }, 5),
      );
    });
    assert.deepEqual(order, ['start 1', 'end 1', 'start 2', 'end 2']);
  });
});
