import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, OutgoingHttpHeaders, RequestListener, ServerResponse } from 'node:http';
import { extname, isAbsolute, join, relative, sep } from 'node:path';
import { errnoOf, errnoText } from '../../errno-text.js';
import { ErrorCode, MqttError } from '../../errors.js';
import type { ConfFile } from '../config/tls-types.js';

/** The types a page of a browser MQTT client is made of; anything else is sent as bytes. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
};

/**
 * mosquitto's http_dir: a websockets listener answers plain GET and HEAD requests with the files of
 * this folder (index.html for a path ending in /). Whatever the request says, only files whose real
 * path (symbolic links followed) lies inside the folder are sent.
 */
export async function openHttpDir(dir: ConfFile): Promise<RequestListener> {
  let root: string;
  try {
    root = await realpath(dir.path);
    if (!(await stat(root)).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
  } catch (err) {
    const where = dir.origin === undefined ? '' : `${dir.origin.file}:${dir.origin.line}: `;
    throw new MqttError(ErrorCode.ConfigError, `${where}Unable to open http_dir "${dir.path}": ${errnoText(err)}.`, { cause: err });
  }
  return (req, res) => {
    serve(root, req, res).catch(() => {
      if (res.headersSent) res.destroy();
      else answer(res, 500);
    });
  };
}

function answer(res: ServerResponse, status: number, headers: OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers }).end(`${status} ${res.statusMessage}\n`);
}

/** The path of the request URL, as sent (percent-encoded) and decoded; undefined when it cannot be decoded. */
function pathOf(url: string | undefined): { sent: string; decoded: string } | undefined {
  try {
    const sent = new URL(url ?? '/', 'http://localhost').pathname;
    return { sent, decoded: decodeURIComponent(sent) };
  } catch {
    return undefined;
  }
}

async function serve(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return answer(res, 405, { Allow: 'GET, HEAD' });
  const path = pathOf(req.url);
  if (path === undefined || path.decoded.includes('\0')) return answer(res, 400);
  let file: string;
  try {
    file = await realpath(join(root, path.decoded.endsWith('/') ? `${path.decoded}index.html` : path.decoded));
  } catch (err) {
    return answer(res, errnoOf(err) === 'EACCES' ? 403 : 404);
  }
  const inside = relative(root, file);
  if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) return answer(res, 404);
  const info = await stat(file);
  if (info.isDirectory()) return answer(res, 302, { Location: `${path.sent}/` });
  if (!info.isFile()) return answer(res, 404);
  res.writeHead(200, { 'Content-Type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream', 'Content-Length': info.size });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file)
    .once('error', () => res.destroy())
    .pipe(res);
}
