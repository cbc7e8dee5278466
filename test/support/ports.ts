import { createServer, type AddressInfo, type Server } from 'node:net';

/**
 * A TCP port on 127.0.0.1 that was free a moment ago: listen on port 0, read the port the kernel
 * chose, close. Another process could take it before the caller binds it, so callers that start a
 * server on it should be ready to retry with a new port.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error(`unexpected server address: ${String(address)}`));
        return;
      }
      const { port } = address;
      server.close((err) => {
        if (err) reject(err);
        else resolve(port);
      });
    });
  });
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
