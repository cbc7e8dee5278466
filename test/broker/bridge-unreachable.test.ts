import assert from 'node:assert/strict';
import { lookupFailure } from '../../src/lib/bridge/unreachable.js';

/** Lookups are injected: a test sends nothing beyond loopback, and a real resolver may be slow or absent. */
describe("a bridge's host name lookup", () => {
  const failing = (code: string) => (): Promise<never> => Promise.reject(Object.assign(new Error(code), { code }));

  it("words a failure as glibc's gai_strerror() does, as mosquitto prints it", async () => {
    assert.equal(await lookupFailure('centre.invalid', failing('ENOTFOUND')), 'Name or service not known');
    assert.equal(await lookupFailure('centre.example', failing('EAI_AGAIN')), 'Temporary failure in name resolution');
  });

  it('has nothing to say of a name that resolves, and looks up no IP address', async () => {
    assert.equal(await lookupFailure('centre.example', () => Promise.resolve({ address: '192.0.2.1', family: 4 })), undefined);
    const never = (): Promise<never> => Promise.reject(new Error('looked up'));
    assert.equal(await lookupFailure('127.0.0.1', never), undefined);
    assert.equal(await lookupFailure('::1', never), undefined);
  });
});
