import assert from 'node:assert/strict';
import { indexFlags, readArgv } from '../../src/commands/options/argv.js';
import { resolveSubscribe } from '../../src/commands/options/subscribe.js';
import { subOptionGroups } from '../../src/commands/options/sub.js';
import { UsageError } from '../../src/commands/ui/usage-error.js';
import type { PublishPacket } from '../../src/lib/protocol/packets.js';

const subFlags = indexFlags(subOptionGroups);

function sub(argv: string[]) {
  return resolveSubscribe(readArgv(argv, subFlags));
}

/** What sub prints for one message with these flags (the format's output, or undefined for plain). */
function printed(argv: string[]): string | undefined {
  const { format } = sub(['-t', 'a', ...argv]);
  if (format === undefined) return undefined;
  const message: PublishPacket = { type: 'publish', topic: 'a', payload: Buffer.from('hi'), qos: 0, retain: false, dup: false };
  const parts: Buffer[] = [];
  format.render(message, parts);
  return Buffer.concat(parts).toString();
}

function refused(argv: string[], text: string): void {
  assert.throws(
    () => sub(argv),
    (err: unknown) => err instanceof UsageError && err.message === text,
  );
}

describe('sub -F, --json and --pretty', () => {
  it('compiles -F before connecting; -N drops its newline; -v is ignored with -F, as mosquitto', () => {
    assert.equal(printed(['-F', '%t=%p']), 'a=hi\n');
    assert.equal(printed(['-F', '%t=%p', '-N']), 'a=hi');
    assert.equal(printed(['-F', '%p', '-v']), 'hi\n');
    assert.equal(printed(['--format=%l']), '2\n');
  });

  it('refuses a bad -F with mosquitto\'s text, before the topic checks as mosquitto does', () => {
    refused(['-t', 'a', '-F', '%Z'], "Invalid format specifier 'Z'.");
    refused(['-F', '\\q'], "Invalid escape specifier 'q'.");
    refused(['-F', '%5'], 'Incomplete format specifier.');
  });

  it('--json prints JSON lines; --pretty alone means --json --pretty', () => {
    assert.match(printed(['--json'])!, /^\{"tst":"[^"]+","topic":"a","qos":0,"retain":false,"payloadlen":2,"payload":"hi"\}\n$/);
    assert.match(printed(['--pretty'])!, /^\{\n {2}"tst": "[^"]+",\n[^]*\n {2}"payload": "hi"\n\}\n$/);
    assert.match(printed(['-F', '%j', '--pretty'])!, /^\{\n {2}"tst"/);
  });

  it('--pretty with -v and no -F is ignored, as mosquitto; plain output stays', () => {
    assert.equal(printed(['-v', '--pretty']), undefined);
    assert.equal(printed([]), undefined);
  });

  it('refuses -F with --json and -v with --json', () => {
    refused(['-t', 'a', '-F', '%t', '--json'], '-F and --json cannot be used together.');
    refused(['-t', 'a', '--json', '-v'], '-v and --json cannot be used together.');
  });
});
