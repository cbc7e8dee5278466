import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mqtInProcess } from '../support/in-process.js';
import { makeTempFolder } from '../support/run-folder.js';
import { TOOL_ENV, which } from '../support/spawn.js';

type Tool = 'pub' | 'sub' | 'rr' | 'passwd';

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command in this process, as the launcher does, and keeps what it writes. */
async function capture(tool: Tool, argv: readonly string[], mosquitto: boolean): Promise<Outcome> {
  // The options files are read from the folder the suite points XDG_CONFIG_HOME at (isolatedConfig).
  const config = process.env.XDG_CONFIG_HOME;
  const { code, stdout, stderr } = await mqtInProcess([tool, ...argv], { mosquitto, env: config === undefined ? {} : { XDG_CONFIG_HOME: config } });
  return { code, stdout, stderr };
}

/**
 * One usage error of mosquitto 2.1's clients (client_shared.c, client_props.c, pub_client.c,
 * sub_client.c, rr_client.c; mosquitto_passwd.c), read from the develop branch of
 * eclipse/mosquitto: the message, and whether mosquitto ends it with a blank line ("\n\n").
 * `v2` marks the cases where the installed mosquitto 2.0.11 prints the very same bytes, which the
 * table then also compares with it. `mqt` is mqt's own wording where it says more.
 */
interface Case {
  readonly tool: Tool;
  readonly argv: readonly string[];
  readonly text: string;
  readonly blank: boolean;
  readonly v2?: boolean;
  readonly mqt?: string;
}

const c = (tool: Tool, argv: string[], text: string, blank: boolean, more: Partial<Case> = {}): Case => ({ tool, argv, text, blank, v2: true, ...more });

/** A flag at the end of the line, without its value. */
const missing = (tool: Tool, flag: string, text: string, more: Partial<Case> = {}): Case => c(tool, ['-t', 'a', flag], text, true, more);

const CASES: readonly Case[] = [
  // Values read without their value: "... argument given but no ... specified."
  missing('sub', '-A', '-A argument given but no address specified.'),
  missing('sub', '--cafile', '--cafile argument given but no file specified.'),
  missing('sub', '--capath', '--capath argument given but no directory specified.'),
  missing('sub', '--cert', '--cert argument given but no file specified.'),
  missing('sub', '--ciphers', '--ciphers argument given but no ciphers specified.'),
  missing('sub', '-C', '-C argument given but no count specified.'),
  missing('rr', '-e', '-e argument given but no response topic specified.'),
  missing('pub', '-f', '-f argument given but no file specified.'),
  missing('sub', '-F', '-F argument given but no format specified.'),
  missing('sub', '-h', '-h argument given but no host specified.'),
  missing('sub', '--host', '-h argument given but no host specified.', { mqt: '--host argument given but no host specified.' }),
  missing('sub', '-i', '-i argument given but no id specified.'),
  missing('sub', '-I', '-I argument given but no id prefix specified.'),
  missing('sub', '-k', '-k argument given but no keepalive specified.'),
  missing('sub', '--key', '--key argument given but no file specified.'),
  missing('sub', '--keyform', '--keyform argument given but no keyform specified.'),
  missing('sub', '-L', '-L argument given but no URL specified.'),
  missing('pub', '-m', '-m argument given but no message specified.'),
  missing('sub', '-M', '-M argument given but max_inflight not specified.'),
  missing('sub', '-o', '-o argument given but no options file specified.', { v2: false }),
  missing('sub', '-p', '-p argument given but no port specified.'),
  missing('sub', '-P', '-P argument given but no password specified.', { mqt: '' }),
  missing('sub', '--proxy', '--proxy argument given but no proxy url specified.'),
  missing('sub', '--psk', '--psk argument given but no key specified.'),
  missing('sub', '--psk-identity', '--psk-identity argument given but no identity specified.'),
  missing('sub', '-q', '-q argument given but no QoS specified.'),
  missing('sub', '--random-filter', '--random-filter argument given but no chance specified.'),
  missing('pub', '--repeat', '--repeat argument given but no count specified.'),
  missing('pub', '--repeat-delay', '--repeat-delay argument given but no time specified.'),
  c('sub', ['-t'], '-t argument given but no topic specified.', true),
  missing('sub', '-T', '-T argument given but no topic filter specified.'),
  missing('sub', '--tls-alpn', '--tls-alpn argument given but no protocol specified.'),
  missing('sub', '--tls-version', '--tls-version argument given but no version specified.'),
  missing('pub', '--tls-engine', '--tls-engine argument given but no engine_id specified.'),
  missing('sub', '--tls-engine-kpass-sha1', '--tls-engine-kpass-sha1 argument given but no kpass sha1 specified.'),
  missing('sub', '--tls-keylog', '--tls-keylog argument given but no file specified.', { v2: false }),
  missing('sub', '-U', '-U argument given but no unsubscribe topic specified.'),
  missing('sub', '-u', '-u argument given but no username specified.'),
  missing('sub', '--unix', '--unix argument given but no socket path specified.'),
  missing('sub', '-V', '--protocol-version argument given but no version specified.', { mqt: '-V argument given but no version specified.' }),
  missing('sub', '-W', '-W argument given but no timeout specified.'),
  missing('sub', '--will-payload', '--will-payload argument given but no will payload specified.'),
  missing('sub', '--will-qos', '--will-qos argument given but no will QoS specified.'),
  missing('sub', '--will-topic', '--will-topic argument given but no will topic specified.'),
  missing('sub', '-x', '-x argument given but no session expiry interval specified.'),
  c('sub', ['-t', 'a', '-D', 'connect', 'receive-maximum'], '--property argument given but not enough arguments specified.', true),
  // Bad values, reported as soon as they are read.
  c('sub', ['-C', '0', '-t', 'a'], 'Invalid message count "0".', true),
  c('pub', ['-m', 'x', '-f', 'y', '-t', 'a'], 'Only one type of message can be sent at once.', true),
  c('pub', ['-n', '-l', '-t', 'a'], 'Only one type of message can be sent at once.', true),
  c('pub', ['-s', '-m', 'x', '-t', 'a'], 'Only one type of message can be sent at once.', true),
  c('sub', ['-F', '%', '-t', 'a'], 'Incomplete format specifier.', false),
  c('sub', ['-F', '%z', '-t', 'a'], "Invalid format specifier 'z'.", false),
  c('sub', ['-F', '\\', '-t', 'a'], 'Incomplete escape specifier.', false),
  c('sub', ['-F', '\\z', '-t', 'a'], "Invalid escape specifier 'z'.", false),
  c('sub', ['-i', 'x', '-I', 'y', '-t', 'a'], '-i and -I argument cannot be used together.', true),
  c('sub', ['-I', 'y', '-i', 'x', '-t', 'a'], '-i and -I argument cannot be used together.', true),
  c('sub', ['-k', '4', '-t', 'a'], 'Invalid keepalive given, it must be between 5 and 65535 inclusive.', true),
  c('sub', ['-k', '65536', '-t', 'a'], 'Invalid keepalive given, it must be between 5 and 65535 inclusive.', true),
  c('sub', ['-L', 'foo://h/t'], 'Unsupported URL scheme.', true, { v2: false, mqt: "Invalid URL for -L: unsupported URL scheme 'foo://': use mqtt://, mqtts://, ws:// or wss://." }),
  c('sub', ['-L', 'mqtt://h'], 'Invalid URL for -L argument specified - topic missing.', false),
  // -L's topic is checked as it is read, by the command's -t rule, before the flags after it.
  c('sub', ['-L', 'mqtt://h/a/#x', '-q', '3'], "Invalid subscription topic 'a/#x', are all '+' and '#' wildcards correct?", false),
  c('pub', ['-L', 'mqtt://h/a/#', '-q', '3'], "Invalid publish topic 'a/#', does it contain '+' or '#'?", false),
  c('rr', ['-L', 'mqtt://h/a/+', '-q', '3'], "Invalid publish topic 'a/+', does it contain '+' or '#'?", false),
  c('sub', ['--proxy', 'http://p', '-t', 'a'], 'Unsupported proxy protocol: http://p', false, {
    mqt: 'Unsupported proxy protocol: http://p (the forms are socks5h://[user[:password]@]host[:port] and socks5://…).',
  }),
  c('sub', ['-M', '0', '-t', 'a'], 'Maximum inflight messages must be greater than 0.', true),
  c('sub', ['-p', '70000', '-t', 'a'], 'Invalid port given: 70000', false),
  c('sub', ['-p', '-1', '-t', 'a'], 'Invalid port given: -1', false),
  c('sub', ['-q', '3'], 'Invalid QoS given: 3', false),
  c('pub', ['-q', '-1', '-t', 'a', '-m', 'x'], 'Invalid QoS given: -1', false),
  c('sub', ['--random-filter', '0', '-t', 'a'], '--random-filter chance must be between 0.1-100.0', true),
  c('pub', ['--repeat', '0', '-t', 'a', '-m', 'x'], '--repeat argument must be >0.', true),
  c('pub', ['--repeat-delay', '-1', '-t', 'a', '-m', 'x'], '--repeat-delay argument must be >=0.0.', true),
  c('pub', ['-t', 'a/+', '-m', 'x'], "Invalid publish topic 'a/+', does it contain '+' or '#'?", false),
  c('rr', ['-t', 'a/#', '-e', 'b', '-m', 'x'], "Invalid publish topic 'a/#', does it contain '+' or '#'?", false),
  c('sub', ['-t', 'a/#/b'], "Invalid subscription topic 'a/#/b', are all '+' and '#' wildcards correct?", false),
  c('sub', ['-t', 'a', '-T', 'a#'], "Invalid filter topic 'a#', are all '+' and '#' wildcards correct?", false),
  c('sub', ['-t', 'a', '-U', '+a'], "Invalid unsubscribe topic '+a', are all '+' and '#' wildcards correct?", false),
  c('rr', ['-e', 'x/+', '-t', 'a', '-m', 'x'], "Invalid response topic 'x/+', does it contain '+' or '#'?", false),
  c('sub', ['-V', '4', '-t', 'a'], 'Invalid protocol version argument given.', true),
  c('sub', ['-W', '0', '-t', 'a'], 'Invalid timeout "0".', true),
  c('sub', ['--will-qos', '3', '-t', 'a'], 'Invalid will QoS 3.', true),
  c('sub', ['--will-topic', 'w/+', '-t', 'a'], "Invalid will topic 'w/+', does it contain '+' or '#'?", false),
  c('sub', ['-x', 'abc', '-t', 'a'], 'session-expiry-interval not a number.', true),
  c('sub', ['-x', '-2', '-t', 'a'], 'session-expiry-interval out of range.', true),
  c('sub', ['-x', '4294967296', '-t', 'a'], 'session-expiry-interval out of range.', true),
  c('sub', ['-D', 'foo', 'bar', '1', '-t', 'a'], 'Invalid command foo given in --property argument.', true, { v2: false }),
  c('sub', ['-D', 'connect', 'foo', '1', '-t', 'a'], 'Invalid property name foo given in --property argument.', true, { v2: false }),
  c('sub', ['-D', 'connect', 'topic-alias', '1', '-t', 'a'], 'topic-alias property not allowed for connect in --property argument.', true),
  c('pub', ['-D', 'publish', 'subscription-identifier', '1', '-t', 'a', '-m', 'x'], 'subscription-identifier property not supported for publish in --property argument.', true),
  c('sub', ['-D', 'connect', 'receive-maximum', '70000', '-t', 'a'], 'Property value (70000) out of range for property receive-maximum.', true),
  c('sub', ['-t', 'a', '-Z'], "Unknown option '-Z'.", false),
  c('pub', ['-t', 'a', '-m', 'x', '-C', '1'], "Unknown option '-C'.", false, { v2: false, mqt: "Unknown option '-C'." }),
  // The first bad value wins, before the checks made once everything is read.
  c('sub', ['-k', '2', '-q', '3'], 'Invalid keepalive given, it must be between 5 and 65535 inclusive.', true),
  c('pub', ['-q', '3', '--will-payload', 'x'], 'Invalid QoS given: 3', false),
  // The checks made once every flag is read, in mosquitto's order.
  c('sub', ['--will-payload', 'x', '--cert', 'c'], 'Will payload given, but no will topic given.', false),
  c('sub', ['--will-retain', '-t', 'a'], 'Will retain given, but no will topic given.', false),
  c('sub', ['--cert', 'c', '-t', 'a'], 'Both certfile and keyfile must be provided if one of them is set.', false),
  c('sub', ['--key', 'k', '-t', 'a'], 'Both certfile and keyfile must be provided if one of them is set.', false),
  c('sub', ['--keyform', 'pem', '-t', 'a'], 'If keyform is set, keyfile must be also specified.', false),
  c('pub', ['-t', 'a', '-m', 'x', '--tls-engine-kpass-sha1', 'ab'], 'when using tls-engine-kpass-sha1, both tls-engine and keyform must also be provided.', false),
  c('sub', ['--psk', '00', '--cafile', 'ca', '-t', 'a'], 'Only one of --psk or --cafile/--capath may be used at once.', false, {
    mqt: 'Only one of --psk or --cafile/--capath/--tls-use-os-certs/--cert/--insecure may be used at once.',
  }),
  c('sub', ['--psk', '00', '-c'], '--psk-identity required if --psk used.', false),
  c('sub', ['-c', '-V', '5'], 'You must provide a client id if you are using an infinite session expiry interval.', false),
  c('sub', ['-x', '-1'], 'You must provide a client id if you are using an infinite session expiry interval.', false, { v2: false }),
  c('sub', ['-c', '-I', 'p', '-t', 'a'], 'You must provide a client id if you are using the -c option.', false),
  c('sub', ['-d'], 'You must specify a topic to subscribe to (-t) or unsubscribe from (-U).', false, { v2: false }),
  c('rr', ['-t', 'a', '-m', 'x'], 'All of topic, message, and response topic must be supplied.', false),
  c('rr', ['-e', 'b', '-t', 'a'], 'All of topic, message, and response topic must be supplied.', false),
];

/** mosquitto_passwd's mistakes: one line each, no hint (mosquitto_passwd.c, main). */
const PASSWD_CASES: readonly Case[] = [
  c('passwd', ['-H'], '-H argument given but not enough other arguments.', false),
  c('passwd', ['-H', 'md5', 'f', 'u'], "Unknown hash type 'md5'", false),
  c('passwd', ['-I'], '-I argument given but not enough other arguments.', false),
  c('passwd', ['-I', '0', '-H', 'md5', 'f', 'u'], 'Number of iterations must be > 0.', false),
  c('passwd', ['-I', '5', '-H', 'md5', 'f', 'u'], "Unknown hash type 'md5'", false),
  c('passwd', ['-c', '-D', 'f', 'u'], '-c and -D cannot be used together.', false),
  c('passwd', ['-c', '-U', 'f'], '-c and -U cannot be used together.', false),
  c('passwd', ['-D', '-U', 'f'], '-D and -U cannot be used together.', false),
  c('passwd', ['-b', '-D', 'f', 'u'], '-b and -D cannot be used together.', false),
  c('passwd', ['-c', 'f'], '-c argument given but password file or username missing.', false),
  c('passwd', ['-c', '-b', 'f', 'u'], '-c argument given but password file, username, or password missing.', false),
  c('passwd', ['-D', 'f'], '-D argument given but password file or username missing.', false),
  c('passwd', ['-U'], '-U argument given but password file missing.', false),
  c('passwd', ['-b', 'f', 'u:x', 'p'], "Username must not contain the ':' character.", false),
];

/**
 * Points XDG_CONFIG_HOME at a fresh folder (per test with `each`) and turns colour off; both are
 * put back afterwards. Returns the folder's getter.
 */
function isolatedConfig(each: boolean): () => string {
  let config = '';
  const saved = { XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME, NO_COLOR: process.env.NO_COLOR };
  const make = async (): Promise<void> => {
    config = await makeTempFolder('mqt-dropin');
    process.env.XDG_CONFIG_HOME = config;
    process.env.NO_COLOR = '1';
  };
  const remove = (): void => rmSync(config, { recursive: true, force: true });
  if (each) {
    beforeEach(make);
    afterEach(remove);
  } else {
    before(make);
    after(remove);
  }
  after(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) Reflect.deleteProperty(process.env, key);
      else process.env[key] = value;
    }
  });
  return () => config;
}

/** The bytes mosquitto writes to stderr for a case. */
function mosquittoText({ tool, text, blank }: Case): string {
  if (tool === 'passwd') return `Error: ${text}\n`;
  return `Error: ${text}\n${blank ? '\n' : ''}\nUse 'mosquitto_${tool} --help' to see usage.\n`;
}

describe('usage errors, as mosquitto 2.1 and under both names', function () {
  const configDir = isolatedConfig(false);
  const installed = (tool: Tool): string | undefined => which(`mosquitto_${tool}`);

  for (const one of [...CASES, ...PASSWD_CASES]) {
    const line = `${one.tool} ${one.argv.join(' ')}`;
    it(`mosquitto_${line}`, async () => {
      const got = await capture(one.tool, one.argv, true);
      assert.deepEqual({ code: got.code, stderr: got.stderr }, { code: 1, stderr: mosquittoText(one) });
      const binary = one.v2 === true ? installed(one.tool) : undefined;
      if (binary !== undefined) {
        const real = spawnSync(binary, one.argv, { env: { ...TOOL_ENV, XDG_CONFIG_HOME: configDir() }, encoding: 'utf8', timeout: 10_000 });
        assert.deepEqual({ code: real.status, stderr: real.stderr }, { code: 1, stderr: got.stderr }, 'mosquitto 2.0.11 prints otherwise');
      }
    });
    // -P alone asks for the password in mqt's own mode: there is no usage error to compare.
    if (one.mqt === '') continue;
    it(`mqt ${line}`, async () => {
      const got = await capture(one.tool, one.argv, false);
      assert.deepEqual(
        { code: got.code, stderr: got.stderr },
        { code: 1, stderr: `Error: ${one.mqt ?? one.text}\nUse 'mqt ${one.tool} --help' to see usage.\n` },
      );
    });
  }
});

describe('mosquitto mode around the usage errors', function () {
  const configDir = isolatedConfig(true);

  it('--help and --version print to stdout and exit 1 under a mosquitto name, 0 as mqt', async () => {
    const version = await capture('sub', ['--version'], true);
    assert.deepEqual({ ...version, stdout: '' }, { code: 1, stdout: '', stderr: '' });
    assert.match(version.stdout, /^mosquitto_sub version 2\.1\.2 running on mqt \S+\.\n$/);
    const help = await capture('pub', ['--help'], true);
    assert.equal(help.code, 1);
    assert.match(help.stdout, /^mosquitto_pub is a simple mqtt client that will publish a message on a single topic and exit\.\n/);
    assert.equal((await capture('pub', ['--help'], false)).code, 0);
    const own = await capture('rr', ['--version'], false);
    assert.equal(own.code, 0);
    assert.match(own.stdout, /^mqt version \S+\n$/);
  });

  it('reads no further than --help, as mosquitto: a bad value before it still wins', async () => {
    assert.equal((await capture('sub', ['--help', '-Z'], true)).code, 1);
    assert.equal((await capture('sub', ['--help', '-Z'], false)).code, 0);
    assert.equal((await capture('sub', ['-q', '3', '--help'], true)).stderr, "Error: Invalid QoS given: 3\n\nUse 'mosquitto_sub --help' to see usage.\n");
  });

  it('pub without a message prints the usage on stdout after the error, as mosquitto_pub', async () => {
    const got = await capture('pub', ['-t', 'a'], true);
    assert.equal(got.code, 1);
    assert.equal(got.stderr, 'Error: Both topic and message must be supplied.\n');
    assert.match(got.stdout, /^mosquitto_pub is a simple mqtt client that will publish a message on a single topic and exit\.\n/);
  });

  it("lays out sub's -R with --retained-only and an empty id as mosquitto does: no hint", async () => {
    assert.deepEqual(await capture('sub', ['-t', 'a', '-R', '--retained-only'], true), {
      code: 1,
      stdout: '',
      stderr: "\nError: Combining '-R' and '--retained-only' makes no sense.\n",
    });
    assert.deepEqual(await capture('pub', ['-t', 'a', '-m', 'x', '-i', ''], true), { code: 1, stdout: '', stderr: 'Error: Invalid id.\n' });
  });

  it("rr's duplicate response topic and mosquitto_passwd's wrong argument count, as mosquitto lays them out", async () => {
    const duplicate = await capture('rr', ['-t', 'a', '-e', 'r', '-m', 'x', '-D', 'publish', 'response-topic', 'r'], true);
    assert.deepEqual(duplicate, { code: 1, stdout: '', stderr: 'Error in PUBLISH properties: Duplicate response topic.\n' });
    const count = await capture('passwd', ['pwfile'], true);
    assert.deepEqual({ ...count, stdout: '' }, { code: 1, stdout: '', stderr: '' });
    assert.match(count.stdout, /^mosquitto_passwd is a tool for managing password files for mosquitto\.\n\nUsage: /);
    const real = which('mosquitto_passwd');
    if (real !== undefined) {
      const run = spawnSync(real, ['pwfile'], { env: TOOL_ENV, encoding: 'utf8', timeout: 10_000 });
      assert.deepEqual([run.status, run.stderr], [1, '']);
    }
    assert.equal((await capture('passwd', ['pwfile'], false)).stderr, "Error: Password file or username missing.\nUse 'mqt passwd --help' to see usage.\n");
  });

  it('refuses --keyform engine with the reason, and accepts pem', async () => {
    const engine = await capture('sub', ['-t', 'a', '--cert', 'c', '--key', 'k', '--keyform', 'engine'], false);
    assert.match(engine.stderr, /^Error: --keyform engine is not supported: mqt has no OpenSSL engine support/);
    const pem = await capture('sub', ['-t', 'a', '--cert', '/nonexistent/c.pem', '--key', 'k', '--keyform', 'pem'], false);
    assert.doesNotMatch(pem.stderr, /keyform/);
  });

  it("reads mosquitto_sub's options file before the command line: the file's bad value wins", async () => {
    const config = configDir();
    writeFileSync(join(config, 'mosquitto_sub'), '-q 3\n');
    // A bad value, an unknown option, a conflict and a flag without its value on the command line.
    for (const argv of [['-k', '2'], ['--bogus', '-t', 'a'], ['-i', 'x', '-I', 'y', '-t', 'a'], ['-t', 'a', '-k']]) {
      const got = await capture('sub', argv, true);
      assert.equal(got.stderr, "Error: Invalid QoS given: 3\n\nUse 'mosquitto_sub --help' to see usage.\n", argv.join(' '));
      const real = which('mosquitto_sub');
      if (real !== undefined) {
        const run = spawnSync(real, argv, { env: { ...TOOL_ENV, XDG_CONFIG_HOME: config }, encoding: 'utf8', timeout: 10_000 });
        assert.equal(run.stderr, got.stderr, argv.join(' '));
      }
    }
  });

  it('refuses -i and -I from two lines of one options file, as mosquitto does', async () => {
    const file = join(configDir(), 'mosquitto_sub');
    writeFileSync(file, '-i a\n-I b\n');
    const got = await capture('sub', ['-t', 't'], true);
    assert.equal(got.stderr, "Error: -i and -I argument cannot be used together.\n\n\nUse 'mosquitto_sub --help' to see usage.\n");
    const real = which('mosquitto_sub');
    if (real !== undefined) {
      const run = spawnSync(real, ['-t', 't'], { env: { ...TOOL_ENV, XDG_CONFIG_HOME: configDir() }, encoding: 'utf8', timeout: 10_000 });
      assert.equal(run.stderr, got.stderr);
    }
    const own = await capture('sub', ['-t', 't'], false);
    assert.equal(own.stderr, `Error: ${file}:2: -i and -I argument cannot be used together.\nUse 'mqt sub --help' to see usage.\n`);
  });

  it("mqt sub reads mqt_sub if there is one, else mosquitto_sub; mosquitto_sub reads only its own", async () => {
    const config = configDir();
    writeFileSync(join(config, 'mosquitto_sub'), '-k 2\n');
    const keepalive = `${join(config, 'mosquitto_sub')}:1: Invalid keepalive given, it must be between 5 and 65535 inclusive.`;
    assert.equal((await capture('sub', ['-t', 'a'], false)).stderr, `Error: ${keepalive}\nUse 'mqt sub --help' to see usage.\n`);
    writeFileSync(join(config, 'mqt_sub'), '-q 3\n');
    assert.equal(
      (await capture('sub', ['-t', 'a'], false)).stderr,
      `Error: ${join(config, 'mqt_sub')}:1: Invalid QoS given: 3\nUse 'mqt sub --help' to see usage.\n`,
    );
    assert.equal(
      (await capture('sub', ['-t', 'a'], true)).stderr,
      "Error: Invalid keepalive given, it must be between 5 and 65535 inclusive.\n\n\nUse 'mosquitto_sub --help' to see usage.\n",
    );
  });
});
