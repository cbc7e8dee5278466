import assert from 'node:assert/strict';
import { COMMANDS } from '../../src/command-list.js';
import { closestName } from '../../src/commands/ui/closest-name.js';
import { mqt } from '../support/spawn.js';

const NAMES = Object.keys(COMMANDS);

describe('mqt help and mistyped commands', () => {
  it('closestName finds the command a typo was meant to be, and nothing for another word', () => {
    assert.equal(closestName('pbu', NAMES), 'pub');
    assert.equal(closestName('suv', NAMES), 'sub');
    assert.equal(closestName('serv', NAMES), 'serve');
    assert.equal(closestName('genca', NAMES), 'gen-ca');
    assert.equal(closestName('gen-pks', NAMES), 'gen-psk');
    assert.equal(closestName('PUB', NAMES), 'pub');
    assert.equal(closestName('publish', NAMES), 'pub');
    assert.equal(closestName('kubernetes', NAMES), undefined);
    assert.equal(closestName('x', NAMES), undefined);
  });

  it('a mistyped command is one line naming the likely one, exit 1', async () => {
    const result = await mqt(['pbu', '-t', 'x', '-m', 'y']);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, `Error: unknown command 'pbu'. Did you mean "mqt pub"?\n`);
  });

  it('an unknown word that is no typo points at the list', async () => {
    const result = await mqt(['kubernetes']);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, `Error: unknown command 'kubernetes'. Run "mqt --help" for the list.\n`);
  });

  it('mqt -h, mqt --help and mqt help list every command on stdout, exit 0', async () => {
    for (const args of [['-h'], ['--help'], ['help']]) {
      const result = await mqt(args);
      assert.equal(result.code, 0, args.join(' '));
      for (const name of NAMES) assert.match(result.stdout, new RegExp(`^ +mqt ${name} +\\S`, 'm'), `${args.join(' ')}: ${name}`);
    }
  });

  it('mqt help CMD is mqt CMD --help', async () => {
    const viaHelp = await mqt(['help', 'sub']);
    const viaFlag = await mqt(['sub', '--help']);
    assert.equal(viaHelp.code, 0);
    assert.equal(viaHelp.stdout, viaFlag.stdout);
    assert.match(viaHelp.stdout, /--topic/);
  });

  it('mqt help of an unknown command is the one-line error', async () => {
    const result = await mqt(['help', 'rrr']);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, `Error: unknown command 'rrr'. Did you mean "mqt rr"?\n`);
  });
});
