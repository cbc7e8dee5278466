import { createServer, type AddressInfo, type Server } from 'node:net';

/**
 * Ports handed to servers come from below Linux's ephemeral range (32768-60999 by default), where
 * the kernel never picks the local port of an outgoing connection or of a listen on port 0: with
 * test files running in parallel, thousands of client sockets would otherwise now and then take a
 * port between the moment it was found free and the moment the server binds it.
 */
const FIRST = 10_000;
const COUNT = 22_000;
/** Each process walks the range from its own random place, so parallel workers rarely meet. */
let next = Math.floor(Math.random() * COUNT);

/** Whether 127.0.0.1:port can be listened on right now. */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A TCP port on 127.0.0.1 that was free a moment ago, outside the kernel's ephemeral range. */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < 1000; tries++) {
    const port = FIRST + (next++ % COUNT);
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port found from ${FIRST} to ${FIRST + COUNT - 1}`);
}

/**
 * Registers the hooks of a suite that needs a port in use: something listens on 127.0.0.1 at a
 * port the kernel chose from `before` to `after`. Returns that port.
 */
export function useBusyPort(): () => number {
  let server: Server | undefined;
  let port: number | undefined;
  before(async () => {
    const listening = createServer();
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(0, '127.0.0.1', resolve);
    });
    server = listening;
    port = (listening.address() as AddressInfo).port;
  });
  after(async () => {
    await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
    server = undefined;
    port = undefined;
  });
  return () => {
    if (port === undefined) throw new Error('no busy port outside the suite');
    return port;
  };
}
