import assert from 'node:assert/strict';
import { ErrorCode, MqttError } from '../../src/lib/errors.js';
import { momentAt, type Clock } from '../../src/lib/output/clock.js';
import { MessageFormat, type FormatOptions } from '../../src/lib/output/format.js';
import type { PublishPacket } from '../../src/lib/protocol/packets.js';
import type { Properties } from '../../src/lib/protocol/properties.js';

/** 2026-11-21T23:56:03.224524722Z, seen from India (+0530): Sunday 22 November, 05:26:03. */
const INDIA: Clock = () => momentAt(1795305363_224524722n, 330, 'IST');
/** 2027-01-01T00:00:00.000000005Z seen from New York (-0500): Thursday 31 December 2026, 19:00. */
const NEW_YORK: Clock = () => momentAt(1798761600_000000005n, -300, 'EST');

function message(payload: string | Buffer, extra: Partial<PublishPacket> = {}): PublishPacket {
  return { type: 'publish', topic: 'f/1', payload: Buffer.from(payload), qos: 0, retain: false, dup: false, ...extra };
}

const V5: Properties = {
  payloadFormatIndicator: 1,
  messageExpiryInterval: 3599,
  contentType: 'plain/text',
  responseTopic: 'resp/t',
  correlationData: Buffer.from('corr123'),
  subscriptionIdentifiers: [7],
  topicAlias: 3,
  userProperties: [
    ['name', 'v1'],
    ['name', 'v2'],
    ['other', 'v3'],
  ],
};

const TEXT = message('message');
const QOS1 = message('message', { qos: 1, packetId: 42, retain: true });
const WITH_PROPERTIES = message('message', { properties: V5 });
const BINARY = message(Buffer.from([0x00, 0xff, 0x10]));
const LONG_TOPIC = message('message', { topic: '02/sub/format/test' });
const EMPTY = message('');

function double(value: number): PublishPacket {
  const bytes = Buffer.alloc(8);
  bytes.writeDoubleLE(value);
  return message(bytes);
}

function float(value: number): PublishPacket {
  const bytes = Buffer.alloc(4);
  bytes.writeFloatLE(value);
  return message(bytes);
}

function render(format: string, msg: PublishPacket, options: Partial<FormatOptions> = {}): { out: Buffer; problems: readonly string[] } {
  const compiled = MessageFormat.compile(format, { eol: false, pretty: false, clock: INDIA, ...options });
  const parts: Buffer[] = [];
  const problems = compiled.render(msg, parts);
  return { out: Buffer.concat(parts), problems };
}

/** [format, message, expected output] — each row is one printed message, without -N's newline. */
type Row = readonly [string, PublishPacket, string | Buffer];

function table(rows: readonly Row[]): void {
  for (const [format, msg, expected] of rows) {
    const label = `${JSON.stringify(format)} of ${JSON.stringify(msg.payload.toString('latin1'))} → ${JSON.stringify(expected.toString())}`;
    it(label, () => {
      const { out, problems } = render(format, msg);
      assert.deepEqual(out, Buffer.from(expected));
      assert.deepEqual(problems, []);
    });
  }
}

describe('-F: the format language', () => {
  describe('%t topic (string field: width pads with spaces, precision cuts bytes)', () => {
    table([
      ['%t', TEXT, 'f/1'],
      ['%10.10t', LONG_TOPIC, '02/sub/for'],
      ['%-20t|', LONG_TOPIC, '02/sub/format/test  |'],
      ['%.20t', LONG_TOPIC, '02/sub/format/test'],
      ['%6t', TEXT, '   f/1'],
      ['%06t', TEXT, '   f/1'],
      ['%.2t', message('x', { topic: 'é/x' }), 'é'],
    ]);
  });

  describe('%p payload: the width pads and never truncates, the precision truncates', () => {
    table([
      ['%p', TEXT, 'message'],
      ['%p', BINARY, Buffer.from([0x00, 0xff, 0x10])],
      ['%5p', TEXT, 'message'],
      ['%.3p', TEXT, 'mes'],
      ['%.0p', TEXT, ''],
      ['%10p', TEXT, '   message'],
      ['%-10p|', TEXT, 'message   |'],
      ['%010p', TEXT, '000message'],
      ['%10.3p', TEXT, '       mes'],
      ['%-6.2p|', TEXT, 'me    |'],
      ['[%p]', EMPTY, '[]'],
    ]);

    it('pushes the payload itself, not a copy', () => {
      const parts: Buffer[] = [];
      MessageFormat.compile('%p', { eol: false, pretty: false }).render(BINARY, parts);
      assert.equal(parts[0], BINARY.payload);
    });
  });

  describe('%x %X hex: the width counts digits and pads all of them; 2.1 grouping', () => {
    table([
      ['%x', TEXT, '6d657373616765'],
      ['%X', BINARY, '00FF10'],
      ['%10x', TEXT, '6d657373616765'],
      ['%4x', TEXT, '6d657373616765'],
      ['%18x', TEXT, '    6d657373616765'],
      ['%-18x|', TEXT, '6d657373616765    |'],
      ['%018x', TEXT, '00006d657373616765'],
      ['%.2x', TEXT, '6d 65 73 73 61 67 65'],
      ['%.2:x', TEXT, '6d:65:73:73:61:67:65'],
      ['%.4-X', TEXT, '6D65-7373-6167-65'],
      ['%.1x', message('ab'), '6 1 6 2'],
      ['%.2x', BINARY, '00 ff 10'],
      ['%08.2x', message('ab'), '00 00 61 62'],
      ['%-8.2x|', message('ab'), '61 62    |'],
      ['%.0x', TEXT, '6d657373616765'],
      ['[%x]', EMPTY, '[]'],
    ]);
  });

  describe('integers: %l %m, with the -, 0 and width of printf', () => {
    table([
      ['%l', TEXT, '7'],
      ['%02l', TEXT, '07'],
      ['%2l', TEXT, ' 7'],
      ['%-2l|', TEXT, '7 |'],
      ['%-05l|', TEXT, '7    |'],
      ['%.3l', TEXT, '7'],
      ['%l', EMPTY, '0'],
      ['%m', TEXT, '0'],
      ['%m', QOS1, '42'],
      ['%5m', QOS1, '   42'],
    ]);
  });

  describe('%q %r %%, which take no width', () => {
    table([
      ['%q%r', TEXT, '00'],
      ['%q%r', QOS1, '11'],
      ['%q', message('x', { qos: 2, packetId: 1 }), '2'],
      ['%5q|%5r', TEXT, '0|0'],
      ['100%%', TEXT, '100%'],
      ['%5%', TEXT, '%'],
    ]);
  });

  describe('v5 properties %A %C %D %E %F %P %R %S', () => {
    table([
      ['%A|%C|%D|%E|%F|%P|%R|%S', WITH_PROPERTIES, '3|plain/text|corr123|3599|1|name:v1 name:v2 other:v3|resp/t|7'],
      ['%05E|%3A|%-3F|%.5C|%12R|%04S', WITH_PROPERTIES, '03599|  3|1  |plain|      resp/t|0007'],
      ['%A|%C|%D|%E|%F|%P|%R|%S', TEXT, '|||||||'],
      ['%5A|%5C|%05E|%3F|%5R|%5S|', TEXT, '     |     |00000|   ||     |'],
      ['%D', message('x', { properties: { correlationData: Buffer.from([0, 0xfe]) } }), Buffer.from([0, 0xfe])],
      ['%S', message('x', { properties: { subscriptionIdentifiers: [5, 9] } }), '5'],
    ]);
  });

  describe('time: %I, %U, @ strftime conversions, @N, @@ (fixed clock)', () => {
    table([
      ['%I', TEXT, '2026-11-22T05:26:03+0530'],
      ['%.10I|%26I', TEXT, '2026-11-22|  2026-11-22T05:26:03+0530'],
      ['%U', TEXT, '1795305363.224524722'],
      ['@Y-@m-@dT@H:@M:@S.@N @@ @s', TEXT, '2026-11-22T05:26:03.224524722 @ 1795305363'],
      // Expected values printed by glibc's strftime for the same instant with TZ=Asia/Kolkata.
      [
        '@a|@A|@b|@B|@c|@C|@d|@D|@e|@F|@g|@G|@h|@H|@I|@j|@k|@l|@m|@M|@p|@P|@r|@R',
        TEXT,
        'Sun|Sunday|Nov|November|Sun Nov 22 05:26:03 2026|20|22|11/22/26|22|2026-11-22|26|2026|Nov|05|05|326| 5| 5|11|26|AM|am|05:26:03 AM|05:26',
      ],
      ['@s|@S|@T|@u|@U|@V|@w|@W|@x|@X|@y|@Y|@z|@Z|@%', TEXT, '1795305363|03|05:26:03|7|47|47|0|46|11/22/26|05:26:03|26|2026|+0530|IST|%'],
      ['@n@t', TEXT, '\n\t'],
      ['@Q @E @é', TEXT, '%Q %E %é'],
    ]);

    it('computes week numbers and 12-hour clocks across a year end like glibc (New York, -0500)', () => {
      const { out } = render('@a @F @G-W@V-@u @g @U @W @j @e @k @l @I @p @z @Z @N', TEXT, { clock: NEW_YORK });
      assert.equal(out.toString(), 'Thu 2026-12-31 2026-W53-4 26 52 52 365 31 19  7 07 PM -0500 EST 000000005');
    });

    it('reads the clock once per message', () => {
      let calls = 0;
      const clock: Clock = () => {
        calls++;
        return INDIA();
      };
      render('%I %U @H @N %j', TEXT, { clock });
      assert.equal(calls, 1);
    });
  });

  describe('escapes', () => {
    table([
      ['a\\tb\\nc', TEXT, 'a\tb\nc'],
      ['\\0\\a\\e\\r\\v\\\\', TEXT, '\0\x07\x1b\r\v\\'],
      ['%t\\0', TEXT, 'f/1\0'],
    ]);
  });

  describe('%d %f: the payload as a little-endian IEEE 754 double or float, printed like printf %f', () => {
    table([
      ['%.3d', double(Math.E), '2.718'],
      ['%d', double(Math.E), '2.718282'],
      ['%.0d', double(2.5), '2'],
      ['%.0d', double(3.5), '4'],
      ['%.2f', float(0.125), '0.12'],
      ['%.2d', double(0.375), '0.38'],
      ['%8.2d|%-8.2d|%08.2d', double(-1.5), '   -1.50|-1.50   |-0001.50'],
      ['%.2d', double(1e22), '10000000000000000000000.00'],
      ['%.1d', double(-0), '-0.0'],
      ['%.20d', double(0.1), '0.10000000000000000555'],
      ['%f|%5f', float(Number.POSITIVE_INFINITY), 'inf|  inf'],
      ['%d', message(Buffer.from('000000000000f8ff', 'hex')), '-nan'],
      ['%.3f', float(1 / 3), '0.333'],
    ]);

    it("prints mosquitto 2.1's complaint for a payload of the wrong size, and the rest of the line", () => {
      assert.deepEqual(render('[%d]', TEXT), { out: Buffer.from('[]'), problems: ['requested double printing, but non-double data received'] });
      assert.deepEqual(render('[%f]', double(1)), { out: Buffer.from('[]'), problems: ['requested float printing, but non-float data received'] });
    });
  });

  describe('%j %J', () => {
    const tst = '"tst":"2026-11-22T05:26:03.224524+0530"';
    table([
      ['%j', TEXT, `{${tst},"topic":"f/1","qos":0,"retain":false,"payloadlen":7,"payload":"message"}`],
      ['%J', message('{"a": [1, 12345678901234567890] }'), `{${tst},"topic":"f/1","qos":0,"retain":false,"payloadlen":33,"payload":{"a":[1,12345678901234567890]}}`],
      ['%J', EMPTY, `{${tst},"topic":"f/1","qos":0,"retain":false,"payloadlen":0,"payload":null}`],
    ]);

    it("%j of a message carrying every v5 property: mosquitto 2.1's shape, in the order received", () => {
      // As decoded from the wire: keys in order of first appearance, repeating ones gathered.
      const received: Properties = {
        userProperties: [
          ['name', 'v1'],
          ['name', 'v2'],
          ['other', 'v3'],
        ],
        contentType: 'plain/text',
        subscriptionIdentifiers: [7, 300],
        topicAlias: 3,
        payloadFormatIndicator: 1,
        responseTopic: 'resp/t',
        correlationData: Buffer.from('corr123'),
        messageExpiryInterval: 3599,
      };
      const { out } = render('%j', message('message', { qos: 1, packetId: 9, properties: received }));
      assert.equal(
        out.toString(),
        `{${tst},"topic":"f/1","qos":1,"retain":false,"payloadlen":7,"mid":9,"properties":{` +
          '"user-properties":[{"name":"v1"},{"name":"v2"},{"other":"v3"}],"content-type":"plain/text",' +
          '"subscription-identifier":7,"subscription-identifier":300,"topic-alias":3,"payload-format-indicator":1,' +
          '"response-topic":"resp/t","correlation-data":"corr123","message-expiry-interval":3599},"payload":"message"}',
      );
    });

    it('--json keeps its own schema: [key, value] pairs, subscription-identifiers, the table order, "" for an empty payload', () => {
      const json = MessageFormat.json({ eol: false, pretty: false, clock: INDIA });
      const into: Buffer[] = [];
      json.render(message('', { properties: { userProperties: [['k', 'v']], subscriptionIdentifiers: [7, 8], contentType: 'c' } }), into);
      assert.equal(
        Buffer.concat(into).toString(),
        `{${tst},"topic":"f/1","qos":0,"retain":false,"payloadlen":0,"properties":{"content-type":"c","subscription-identifiers":[7,8],"user-properties":[["k","v"]]},"payload":""}`,
      );
      assert.match(render('%j', EMPTY).out.toString(), /,"payload":null}$/);
    });

    it('%J of a payload that is not JSON prints the rest of the line and names the topic on stderr', () => {
      const { out, problems } = render('<%J>', message('{"a":'), { eol: true });
      assert.equal(out.toString(), '<>\n');
      assert.deepEqual(problems, ['Error: Message payload is not valid JSON on topic f/1.']);
      assert.deepEqual(render('%J', BINARY).problems, ['Error: Message payload is not valid JSON on topic f/1.']);
    });

    it('--pretty indents %j and %J', () => {
      const { out } = render('%J', message('[1,{"b":null}]'), { pretty: true });
      assert.equal(
        out.toString(),
        [
          '{',
          '  "tst": "2026-11-22T05:26:03.224524+0530",',
          '  "topic": "f/1",',
          '  "qos": 0,',
          '  "retain": false,',
          '  "payloadlen": 14,',
          '  "payload": [',
          '    1,',
          '    {',
          '      "b": null',
          '    }',
          '  ]',
          '}',
        ].join('\n'),
      );
    });
  });

  describe('end of line', () => {
    it('ends each message with a newline unless -N', () => {
      assert.equal(render('%t %p', TEXT, { eol: true }).out.toString(), 'f/1 message\n');
      assert.equal(render('%t %p', TEXT, { eol: false }).out.toString(), 'f/1 message');
      assert.equal(render('', EMPTY, { eol: true }).out.toString(), '\n');
    });
  });

  describe('checked before connecting, with mosquitto\'s texts', () => {
    const errors: readonly [string, string][] = [
      ['%', 'Incomplete format specifier.'],
      ['%0', 'Incomplete format specifier.'],
      ['%-', 'Incomplete format specifier.'],
      ['%1', 'Incomplete format specifier.'],
      ['%.', 'Incomplete format specifier.'],
      ['%.1', 'Incomplete format specifier.'],
      ['%5', 'Incomplete format specifier.'],
      ['%.2:', 'Incomplete format specifier.'],
      ['abc @', 'Incomplete format specifier.'],
      ['%Z', "Invalid format specifier 'Z'."],
      ['%e', "Invalid format specifier 'e'."],
      ['%0-5l', "Invalid format specifier '5'."],
      ['%😀', "Invalid format specifier '😀'."],
      ['\\q', "Invalid escape specifier 'q'."],
      ['%t\\', 'Incomplete escape specifier.'],
      ['%70000p', 'Format width or precision too large (at most 65535).'],
    ];
    for (const [format, text] of errors) {
      it(`${JSON.stringify(format)}: ${text}`, () => {
        assert.throws(
          () => MessageFormat.compile(format, { eol: true, pretty: false }),
          (err: unknown) => err instanceof MqttError && err.code === ErrorCode.InvalidArgument && err.message === text,
        );
      });
    }
  });
});
