/**
 * The floor a Node broker stands on: a server on 127.0.0.1:PORT that accepts, answers any bytes
 * with a CONNACK, and keeps the socket, nothing more. What Node itself costs per connection.
 */
import { createServer, type Socket } from 'node:net';

const CONNACK = Buffer.from([0x20, 2, 0, 0]);
const port = Number(process.argv[2]);

function onData(this: Socket): void {
  this.write(CONNACK);
}

function onGone(this: Socket): void {
  this.destroy();
}

const server = createServer((socket) => {
  socket.on('data', onData);
  socket.on('end', onGone);
  socket.on('error', onGone);
});
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
