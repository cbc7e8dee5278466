import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { momentAt } from '../../src/lib/output/clock.js';
import { messageJson, messageJsonWithDocument } from '../../src/lib/output/ndjson.js';
import type { PublishPacket } from '../../src/lib/protocol/packets.js';

const AT = momentAt(1795305363_280505999n, 0, 'UTC');

function message(payload: string | Buffer, extra: Partial<PublishPacket> = {}): PublishPacket {
  return { type: 'publish', topic: 'f/1', payload: Buffer.from(payload), qos: 0, retain: false, dup: false, ...extra };
}

function parse(text: string): Record<string, unknown> {
  return JSON.parse(text) as Record<string, unknown>;
}

describe('--json, %j: one JSON object per message', () => {
  it("has mosquitto's keys in mosquitto's order, tst in the 2.0.13 form and retain as a boolean", () => {
    assert.equal(
      messageJson(message('message', { retain: true }), AT, false),
      '{"tst":"2026-11-21T23:56:03.280505+0000","topic":"f/1","qos":0,"retain":true,"payloadlen":7,"payload":"message"}',
    );
  });

  it('gives the local time with its offset, microseconds truncated', () => {
    const tst = (offset: number): unknown => parse(messageJson(message('x'), momentAt(1795305363_999999999n, offset, 'Z'), false)).tst;
    assert.equal(tst(-210), '2026-11-21T20:26:03.999999-0330');
    assert.equal(tst(765), '2026-11-22T12:41:03.999999+1245');
  });

  it('has "mid" only at QoS 1 and 2, after payloadlen', () => {
    assert.deepEqual(Object.keys(parse(messageJson(message('x', { qos: 1, packetId: 9 }), AT, false))), ['tst', 'topic', 'qos', 'retain', 'payloadlen', 'mid', 'payload']);
    assert.equal(parse(messageJson(message('x', { qos: 2, packetId: 65535 }), AT, false)).mid, 65535);
    assert.ok(!('mid' in parse(messageJson(message('x'), AT, false))));
  });

  it('prints a UTF-8 payload as a string, NUL bytes and control characters included', () => {
    const text = 'he said "hi"\\\ttab\0after NUL é ☃';
    const object = parse(messageJson(message(text), AT, false));
    assert.equal(object.payload, text);
    assert.equal(object.payloadlen, Buffer.byteLength(text));
  });

  it('prints an empty payload as "" (mosquitto: null)', () => {
    const object = parse(messageJson(message(''), AT, false));
    assert.equal(object.payload, '');
    assert.equal(object.payloadlen, 0);
  });

  it('prints a payload that is not UTF-8 as payload_base64, which decodes to the exact bytes', () => {
    for (const bytes of [Buffer.from([0xff]), Buffer.from([0xc3]), Buffer.from([0xed, 0xa0, 0x80]), randomBytes(4096)]) {
      const object = parse(messageJson(message(bytes), AT, false));
      assert.ok(!('payload' in object), 'no "payload" key');
      assert.equal(object.payloadlen, bytes.length);
      assert.deepEqual(Buffer.from(object.payload_base64 as string, 'base64'), bytes);
      assert.deepEqual(Object.keys(object).at(-1), 'payload_base64');
    }
  });

  it('puts the v5 properties before the payload, named as in -D, in the order of the property table', () => {
    const json = messageJson(
      message('m', {
        properties: {
          userProperties: [['k', 'v']],
          topicAlias: 4,
          subscriptionIdentifiers: [2, 9],
          correlationData: Buffer.from('corr123'),
          responseTopic: 'resp/t',
          contentType: 'plain/text',
          messageExpiryInterval: 3599,
          payloadFormatIndicator: 1,
        },
      }),
      AT,
      false,
    );
    assert.equal(
      json,
      '{"tst":"2026-11-21T23:56:03.280505+0000","topic":"f/1","qos":0,"retain":false,"payloadlen":1,"properties":{' +
        '"payload-format-indicator":1,"message-expiry-interval":3599,"content-type":"plain/text","response-topic":"resp/t",' +
        '"correlation-data":"corr123","subscription-identifiers":[2,9],"topic-alias":4,"user-properties":[["k","v"]]},"payload":"m"}',
    );
  });

  it('keeps user properties in order, duplicates included, as [key, value] pairs', () => {
    const pairs: [string, string][] = [
      ['name', 'value4'],
      ['name', 'value3'],
      ['other', ''],
      ['name', 'value4'],
    ];
    const object = parse(messageJson(message('m', { properties: { userProperties: pairs } }), AT, false));
    assert.deepEqual(object.properties, { 'user-properties': pairs });
  });

  it('prints binary correlation data as correlation-data_base64', () => {
    const data = Buffer.from([0x00, 0xff, 0x80]);
    const object = parse(messageJson(message('m', { properties: { correlationData: data } }), AT, false));
    assert.deepEqual(object.properties, { 'correlation-data_base64': data.toString('base64') });
  });

  it('has no "properties" key without properties', () => {
    assert.ok(!('properties' in parse(messageJson(message('m', { properties: {} }), AT, false))));
  });

  it('--pretty indents by two spaces and parses to the same object', () => {
    const msg = message(Buffer.from([0xff, 0xfe, 0xfd]), { qos: 1, packetId: 3, properties: { contentType: 'c' } });
    const pretty = messageJson(msg, AT, true);
    assert.deepEqual(parse(pretty), parse(messageJson(msg, AT, false)));
    assert.equal(
      pretty,
      [
        '{',
        '  "tst": "2026-11-21T23:56:03.280505+0000",',
        '  "topic": "f/1",',
        '  "qos": 1,',
        '  "retain": false,',
        '  "payloadlen": 3,',
        '  "mid": 3,',
        '  "properties": {',
        '    "content-type": "c"',
        '  },',
        '  "payload_base64": "//79"',
        '}',
      ].join('\n'),
    );
  });
});

describe('%J: the payload inserted as JSON', () => {
  const head = '{"tst":"2026-11-21T23:56:03.280505+0000","topic":"f/1","qos":0,"retain":false';

  it('copies numbers and strings as written, without the whitespace', () => {
    const payload = ' {"big": 12345678901234567890, "f": 1.50, "s": "a\\u0041\\"", "dup": 1, "dup": 2, "e": [], "o": {}}\n';
    assert.equal(
      messageJsonWithDocument(message(payload), AT, false),
      `${head},"payloadlen":${payload.length},"payload":{"big":12345678901234567890,"f":1.50,"s":"a\\u0041\\"","dup":1,"dup":2,"e":[],"o":{}}}`,
    );
  });

  it('takes any JSON value, and null for an empty payload', () => {
    assert.equal(messageJsonWithDocument(message('"text"'), AT, false), `${head},"payloadlen":6,"payload":"text"}`);
    assert.equal(messageJsonWithDocument(message('42'), AT, false), `${head},"payloadlen":2,"payload":42}`);
    assert.equal(messageJsonWithDocument(message(''), AT, false), `${head},"payloadlen":0,"payload":null}`);
  });

  it('refuses what is not one UTF-8 JSON document', () => {
    for (const payload of ['{"a":1', '{"a":1} x', 'nul', '{"a":1}\0', "{'a':1}", Buffer.from([0x22, 0xff, 0x22])]) {
      assert.equal(messageJsonWithDocument(message(payload), AT, false), undefined, JSON.stringify(payload.toString()));
    }
  });

  it('--pretty lays the document out like the rest of the object', () => {
    const object = messageJsonWithDocument(message('{"a":[1,[],{"b":"x y"}],"c":{}}'), AT, true)!;
    assert.deepEqual(parse(object).payload, { a: [1, [], { b: 'x y' }], c: {} });
    assert.ok(
      object.endsWith(
        ['  "payload": {', '    "a": [', '      1,', '      [],', '      {', '        "b": "x y"', '      }', '    ],', '    "c": {}', '  }', '}'].join('\n'),
      ),
      object,
    );
  });
});
