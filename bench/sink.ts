/**
 * A "null broker" for measuring the generator alone: it answers CONNECT with a CONNACK (and
 * PINGREQ with PINGRESP) and throws every other byte away, so the only limit left is the client.
 * Packets are framed just enough to find CONNECT and PINGREQ; nothing is decoded.
 */
import { createServer, type Server, type Socket } from 'node:net';

const CONNACK = Buffer.from([0x20, 0x02, 0x00, 0x00]);
const PINGRESP = Buffer.from([0xd0, 0x00]);

let publishes = 0;

function serve(socket: Socket): void {
  let pending = Buffer.alloc(0);
  socket.on('error', () => undefined);
  socket.on('data', (chunk: Buffer) => {
    let data = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let offset = 0;
    for (;;) {
      if (data.length - offset < 2) break;
      let length = 0;
      let multiplier = 1;
      let i = offset + 1;
      for (; i < data.length && i < offset + 5; i++) {
        length += (data[i]! & 0x7f) * multiplier;
        multiplier *= 128;
        if ((data[i]! & 0x80) === 0) break;
      }
      if (i >= data.length) break;
      const end = i + 1 + length;
      if (end > data.length) break;
      const type = data[offset]! >> 4;
      if (type === 1) socket.write(CONNACK);
      else if (type === 12) socket.write(PINGRESP);
      else if (type === 3) publishes += 1;
      offset = end;
    }
    data = data.subarray(offset);
    pending = data.length === 0 ? Buffer.alloc(0) : Buffer.from(data);
  });
}

/**
 * Listens on an ephemeral 127.0.0.1 port; resolves with the port, the count of PUBLISH packets
 * taken in so far (a check on what the generator says it sent) and a close function.
 */
export async function startSink(): Promise<{ port: number; publishes: () => number; close: () => Promise<void> }> {
  const server: Server = createServer(serve);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    publishes: () => publishes,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Connections still open would keep close() waiting.
        server.unref();
        resolve();
      }),
  };
}
