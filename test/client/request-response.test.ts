import assert from 'node:assert/strict';
import { correlationFor, notTheResponse, type Request } from '../../src/lib/client/request-response.js';
import { latencyText } from '../../src/lib/output/latency.js';
import type { PublishPacket } from '../../src/lib/protocol/packets.js';
import type { Properties } from '../../src/lib/protocol/properties.js';

const REQUEST: Request = { topic: 'svc/req', payload: Buffer.from('q'), qos: 0, responseTopic: 'svc/res' };

function response(properties?: Properties, extra: Partial<PublishPacket> = {}): PublishPacket {
  return { type: 'publish', topic: 'svc/res', payload: Buffer.from('a'), qos: 0, retain: false, dup: false, properties, ...extra };
}

describe('request/response matching', () => {
  const ours = Buffer.from('ours');

  it('takes a message on the response topic with our correlation data, or with none', () => {
    assert.equal(notTheResponse(response({ correlationData: ours }), REQUEST, ours), undefined);
    assert.equal(notTheResponse(response(), REQUEST, ours), undefined);
    assert.equal(notTheResponse(response({ correlationData: Buffer.from('x') }), REQUEST, undefined), undefined);
  });

  it('skips other correlation data, other topics and retained messages, saying why', () => {
    assert.equal(
      notTheResponse(response({ correlationData: Buffer.from([0xff, 1]) }), REQUEST, ours),
      "its correlation data '0xff01' is not ours ('ours')",
    );
    assert.equal(notTheResponse(response(undefined, { topic: 'old/sub' }), REQUEST, ours), "it is on 'old/sub', not the response topic");
    assert.equal(notTheResponse(response(undefined, { retain: true }), REQUEST, ours), 'it is a retained message, not an answer');
    assert.equal(notTheResponse(response(undefined, { retain: true }), { ...REQUEST, acceptRetained: true }, ours), undefined);
  });

  it('uses the correlation data given; generates a fresh UUID only when asked, as mosquitto_rr never does', () => {
    assert.equal(correlationFor({ correlationData: ours }, true), ours);
    assert.equal(correlationFor({ correlationData: ours }, false), ours);
    assert.equal(correlationFor(undefined, false), undefined);
    const a = correlationFor(undefined, true)?.toString();
    const b = correlationFor({}, true)?.toString();
    assert.match(a ?? '', /^[0-9a-f-]{36}$/);
    assert.notEqual(a, b);
  });

});

describe('--latency text', () => {
  it('picks the unit that suits the time', () => {
    assert.equal(latencyText(812n), '812ns');
    assert.equal(latencyText(143_210n), '143.210µs');
    assert.equal(latencyText(1_234_567n), '1.235ms');
    assert.equal(latencyText(2_500_000_000n), '2.500s');
  });
});
