import assert from 'node:assert/strict';
import { indexFlags, readArgv } from '../../src/commands/options/argv.js';
import { DEFAULT_CA_DAYS, DEFAULT_DAYS, resolveGenCa } from '../../src/commands/options/gen-ca.js';
import { resolveGenPsk } from '../../src/commands/options/gen-psk.js';
import { genCaOptionGroups } from '../../src/commands/options/gen-ca.js';
import { genPskOptionGroups } from '../../src/commands/options/gen-psk.js';
import { assertUsageError as usageError } from '../support/usage-error.js';

const caFlags = indexFlags(genCaOptionGroups);
const pskFlags = indexFlags(genPskOptionGroups);

const genCa = (argv: string[]) => resolveGenCa(readArgv(argv, caFlags));
const genPsk = (argv: string[]) => resolveGenPsk(readArgv(argv, pskFlags, { positionals: true, interleaved: true }));

describe('gen-ca settings', () => {
  it('default to ./certs, the names of this machine, 825-day leaves and RSA-2048', () => {
    const settings = genCa([]);
    assert.equal(settings.mode, 'generate');
    if (settings.mode !== 'generate') return;
    assert.equal(settings.out, 'certs');
    assert.equal(settings.names, undefined);
    assert.deepEqual([settings.days, settings.caDays ?? DEFAULT_CA_DAYS, settings.bits], [DEFAULT_DAYS, 3650, 2048]);
    assert.deepEqual([settings.force, settings.arduino, settings.json, settings.interactive], [false, false, false, false]);
  });

  it('collect --host and --ip names (IPs given to --host count as IPs) and unique --client names', () => {
    const settings = genCa(['--host', 'broker.lan', '--ip', '192.168.1.10', '--host', '10.0.0.1', '--client', 'a', '--client', 'a', '--client', 'b']);
    if (settings.mode !== 'generate') throw new Error('generate expected');
    assert.deepEqual(settings.names, [
      { kind: 'dns', text: 'broker.lan' },
      { kind: 'ip', text: '10.0.0.1' },
      { kind: 'ip', text: '192.168.1.10' },
    ]);
    assert.deepEqual(settings.clients, ['a', 'b']);
  });

  it('refuse bad values with the --help hint', () => {
    usageError(() => genCa(['--bits', '1024']), '--bits must be 2048, 3072 or 4096.');
    usageError(() => genCa(['--days', '0']), '--days must be a whole number of days from 1 to 36500.');
    usageError(() => genCa(['--ca-days', 'ten']), '--ca-days must be a whole number of days from 1 to 36500.');
    usageError(() => genCa(['--ip', 'broker.lan']), "'broker.lan' is not an IP address.");
    usageError(() => genCa(['--host', 'a b']), "'a b' is neither a host name nor an IP address.");
    usageError(() => genCa(['--client', 'server']), /server\.crt is taken/);
    usageError(() => genCa(['--out']), '--out argument given but no folder specified.');
    usageError(() => genCa(['extra']), "Unknown option 'extra'.");
  });

  it('keep --check apart from the flags that make certificates', () => {
    assert.deepEqual(genCa(['--check', 's.crt', '--host', '10.0.0.1', '--ca', 'ca.crt', '--json']), {
      mode: 'check',
      cert: 's.crt',
      ca: 'ca.crt',
      hosts: ['10.0.0.1'],
      json: true,
    });
    usageError(() => genCa(['--check', 's.crt', '--client', 'x']), '--check cannot be used with --client.');
    usageError(() => genCa(['--check', 's.crt', '--force']), '--check cannot be used with --force.');
    usageError(() => genCa(['--ca', 'ca.crt']), /--ca goes with --check/);
    usageError(() => genCa(['--interactive', '--json']), '--interactive cannot be used with --json.');
  });
});

describe('gen-psk settings', () => {
  it('take identities anywhere among the options, device1 when none', () => {
    const settings = genPsk(['dev1', '--file', 'psk.txt', 'dev2', '--bytes', '32', '--arduino', 'dev1']);
    assert.deepEqual(settings, { identities: ['dev1', 'dev2'], bytes: 32, key: undefined, file: 'psk.txt', force: false, arduino: true, json: false });
    assert.deepEqual(genPsk([]).identities, ['device1']);
    usageError(() => genPsk(['--', '-odd']), /starts with '-', which reads as an option/);
  });

  it('refuse bad identities, bad keys, and --bytes with --key', () => {
    usageError(() => genPsk(['a:b']), /Invalid PSK identity 'a:b'/);
    usageError(() => genPsk(['dev', '--key', 'abc']), /a key is whole bytes/);
    usageError(() => genPsk(['dev', '--key', '0xab']), /hexadecimal digits only/);
    usageError(() => genPsk(['--bytes', '24']), '--bytes must be 16 or 32.');
    usageError(() => genPsk(['--bytes', '16', '--key', 'ab']), '--bytes and --key cannot be used together.');
    assert.equal(genPsk(['--key', 'ABcd']).key, 'abcd');
  });
});
