import assert from 'node:assert/strict';
import { propertiesText } from '../../src/lib/output/property-text.js';

describe('-v property text', () => {
  it('lists properties by their -D names in table order, user properties last as key:value, duplicates kept', () => {
    assert.equal(
      propertiesText({
        userProperties: [
          ['k', 'v1'],
          ['k', 'v2'],
        ],
        correlationData: Buffer.from('abc'),
        responseTopic: 'resp/t',
        payloadFormatIndicator: 1,
        messageExpiryInterval: 3599,
        contentType: 'text/plain',
        subscriptionIdentifiers: [3, 7],
        topicAlias: 2,
      }),
      '[payload-format-indicator=1 message-expiry-interval=3599 content-type=text/plain response-topic=resp/t ' +
        'correlation-data=abc subscription-identifier=3 subscription-identifier=7 topic-alias=2 k:v1 k:v2]',
    );
  });

  it('is undefined without properties, so plain -v output is unchanged', () => {
    assert.equal(propertiesText(undefined), undefined);
    assert.equal(propertiesText({}), undefined);
    assert.equal(propertiesText({ userProperties: [] }), undefined);
  });

  it('quotes text that would be ambiguous bare, and shows binary correlation data in hex', () => {
    assert.equal(
      propertiesText({
        contentType: 'text/plain; charset=utf-8',
        responseTopic: '',
        correlationData: Buffer.from([0xff, 0x00, 0x10]),
        userProperties: [
          ['a=b', 'x]y'],
          ['k:1', 'line\nbreak'],
          ['ok', 'a=b:c'],
          ['0xkey', '0x12'],
        ],
      }),
      '[content-type="text/plain; charset=utf-8" response-topic="" correlation-data=0xff0010 ' +
        '"a=b":"x]y" "k:1":"line\\nbreak" ok:a=b:c "0xkey":"0x12"]',
    );
  });
});
