import assert from 'node:assert/strict';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { openHttpDir } from '../../src/lib/broker/network/http-dir.js';
import { MqttError } from '../../src/lib/errors.js';
import { makeTempFolder } from '../support/run-folder.js';

interface Answer {
  status: number;
  type: string | undefined;
  location: string | undefined;
  body: string;
}

/** A raw request: the path goes out exactly as written (fetch would resolve "..", an attacker does not). */
function get(port: number, path: string, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], location: res.headers.location, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('http_dir: static files of a websockets listener', () => {
  let dir: string;
  let server: Server;
  let port: number;
  before(async () => {
    dir = await makeTempFolder('mqt-http-dir');
    const www = join(dir, 'www');
    await mkdir(join(www, 'app'), { recursive: true });
    await writeFile(join(www, 'index.html'), '<h1>broker</h1>');
    await writeFile(join(www, 'app', 'main.js'), 'connect()');
    await writeFile(join(www, 'app', 'data.bin'), 'bytes');
    await writeFile(join(www, '..name'), 'dots are fine');
    await writeFile(join(dir, 'secret.txt'), 'password');
    await symlink(join(dir, 'secret.txt'), join(www, 'leak.txt'));
    await symlink(join(www, 'app', 'main.js'), join(www, 'alias.js'));
    server = createServer(await openHttpDir({ path: www }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('index.html for /, files with their content type, a folder redirected to its / form', async () => {
    assert.deepEqual(await get(port, '/'), { status: 200, type: 'text/html; charset=utf-8', location: undefined, body: '<h1>broker</h1>' });
    assert.deepEqual(await get(port, '/app/main.js?v=2'), { status: 200, type: 'text/javascript; charset=utf-8', location: undefined, body: 'connect()' });
    assert.equal((await get(port, '/app/data.bin')).type, 'application/octet-stream');
    assert.equal((await get(port, '/%2E%2Ename')).body, 'dots are fine');
    assert.equal((await get(port, '/alias.js')).body, 'connect()', 'a link to a file inside is served');
    const folder = await get(port, '/app');
    assert.deepEqual([folder.status, folder.location], [302, '/app/']);
  });

  it('HEAD gets the headers only; other methods 405', async () => {
    const head = await get(port, '/index.html', 'HEAD');
    assert.deepEqual([head.status, head.body], [200, '']);
    assert.equal((await get(port, '/index.html', 'POST')).status, 405);
  });

  const outside = ['/../secret.txt', '/app/../../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/app/..%2F..%2Fsecret.txt', '/leak.txt', '/missing.html', '/app/'];
  for (const path of outside) {
    it(`${path}: 404, nothing from outside the folder`, async () => {
      const answer = await get(port, path);
      assert.equal(answer.status, 404);
      assert.doesNotMatch(answer.body, /password/);
    });
  }

  it('a request path that cannot be decoded is 400', async () => {
    assert.equal((await get(port, '/%E0%A4%A')).status, 400);
    assert.equal((await get(port, '/a%00b')).status, 400);
  });

  it('a folder that does not exist stops the start, naming file and line', async () => {
    await assert.rejects(openHttpDir({ path: join(dir, 'none'), origin: { file: 'm.conf', line: 7 } }), (err: unknown) => {
      assert.ok(err instanceof MqttError);
      assert.equal(err.message, `m.conf:7: Unable to open http_dir "${join(dir, 'none')}": No such file or directory.`);
      return true;
    });
    await assert.rejects(openHttpDir({ path: join(dir, 'secret.txt') }), { message: `Unable to open http_dir "${join(dir, 'secret.txt')}": Not a directory.` });
  });
});
