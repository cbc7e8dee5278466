import assert from 'node:assert/strict';
import { resolveProperties } from '../../src/commands/options/properties.js';
import { UsageError } from '../../src/commands/ui/usage-error.js';
import { encode } from '../../src/lib/protocol/encode.js';
import { PROPERTY_BY_NAME } from '../../src/lib/protocol/properties.js';

/**
 * -D against the reference's §11 table: every packet and property mosquitto's clients accept is
 * accepted, with a value of its type, and lands under its packet.
 */
describe('-D covers what mosquitto accepts', () => {
  const ACCEPTED: Readonly<Record<string, readonly string[]>> = {
    connect: [
      'session-expiry-interval', 'authentication-method', 'authentication-data', 'request-problem-information',
      'request-response-information', 'receive-maximum', 'topic-alias-maximum', 'maximum-packet-size', 'user-property',
    ],
    publish: ['payload-format-indicator', 'message-expiry-interval', 'content-type', 'response-topic', 'correlation-data', 'topic-alias', 'user-property'],
    subscribe: ['subscription-identifier', 'user-property'],
    unsubscribe: ['user-property'],
    disconnect: ['session-expiry-interval', 'reason-string', 'user-property'],
    will: ['payload-format-indicator', 'message-expiry-interval', 'content-type', 'response-topic', 'correlation-data', 'will-delay-interval', 'user-property'],
  };

  for (const [command, names] of Object.entries(ACCEPTED)) {
    for (const name of names) {
      it(`-D ${command} ${name}`, () => {
        const spec = PROPERTY_BY_NAME.get(name)!;
        const values = spec.type === 'pair' ? ['k', 'v'] : ['string', 'binary'].includes(spec.type) ? ['text'] : ['1'];
        const result = resolveProperties([[command.toUpperCase(), name.toUpperCase(), ...values]]);
        const props = result[command as keyof typeof result];
        assert.ok(props !== undefined && props[spec.key] !== undefined, JSON.stringify(result));
      });
    }
  }

  it("refuses yes/no properties above 1 before connecting, as mosquitto's property check does", () => {
    for (const [command, name] of [['publish', 'payload-format-indicator'], ['will', 'payload-format-indicator'], ['connect', 'request-problem-information'], ['connect', 'request-response-information']]) {
      assert.throws(
        () => resolveProperties([[command!, name!, '2']]),
        (err: unknown) => err instanceof UsageError && err.message === `Property value (2) out of range for property ${name}: only 0 or 1.`,
      );
      assert.doesNotThrow(() => resolveProperties([[command!, name!, '1']]));
    }
  });

  it('sends the properties in the order given, as mosquitto_pub does, also a user property after another kind', () => {
    const given = [['publish', 'user-property', 'a', '1'], ['publish', 'content-type', 'c'], ['publish', 'user-property', 'b', '2'], ['will', 'user-property', 'w', '1'], ['will', 'user-property', 'w', '2']];
    const { publish, will } = resolveProperties(given);
    const bytes = encode({ type: 'publish', topic: 't', payload: Buffer.alloc(0), qos: 0, retain: false, dup: false, properties: publish! }, 5);
    // mosquitto_pub 2.0.11 with these -D options sent these rows (user property a=1, content type c, user property b=2).
    assert.equal(bytes.subarray(6).toString('hex'), '260001610001310300016326000162000132');
    assert.equal(will!.order, undefined);
  });

  it('refuses what only a server may send, which mosquitto_pub lets through', () => {
    assert.throws(() => resolveProperties([['disconnect', 'server-reference', 'other:1883']]), /server-reference property not supported for disconnect/);
    assert.throws(() => resolveProperties([['will', 'reason-string', 'x']]), /reason-string property not supported for will/);
  });
});
