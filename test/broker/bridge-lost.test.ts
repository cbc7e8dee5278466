import assert from 'node:assert/strict';
import { remoteLostReason } from '../../src/lib/bridge/bridge-log.js';
import { CLOSE_TEXT } from '../../src/lib/broker/close-words.js';
import { ErrorCode, MqttError } from '../../src/lib/errors.js';
import { malformed, protocolError } from '../../src/lib/protocol/wire.js';
import { ReasonCode } from '../../src/lib/protocol/reason-codes.js';

/** mosquitto 2.0.11's lines for a bridge whose remote connection ends (src/loop.c do_disconnect). */
describe("the log line for a bridge's lost remote connection", () => {
  it('names why, in the words mosquitto logs after "Client local.NAME "', () => {
    const text = (err: MqttError | undefined): string | undefined => {
      const why = remoteLostReason(err);
      return why === undefined ? undefined : CLOSE_TEXT[why];
    };
    assert.equal(text(undefined), 'closed its connection.');
    assert.equal(text(new MqttError(ErrorCode.ConnectionLost, 'gone')), 'closed its connection.');
    assert.equal(text(protocolError('AUTH packet outside MQTT 5')), 'disconnected due to protocol error.');
    assert.equal(text(malformed('PUBLISH with QoS 3')), 'disconnected due to malformed packet.');
    assert.equal(text(new MqttError(ErrorCode.PacketTooLarge, 'too big', { reasonCode: ReasonCode.PacketTooLarge })), 'disconnected due to oversize packet.');
  });

  it('is none for a remote that stopped answering PINGREQ: mosquitto closes that socket without a line', () => {
    assert.equal(remoteLostReason(new MqttError(ErrorCode.KeepaliveTimeout, 'No PINGRESP')), undefined);
  });
});
