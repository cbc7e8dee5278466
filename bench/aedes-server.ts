/** aedes on 127.0.0.1:PORT, the Node broker the broker benchmark compares mqt serve with. */
import { createServer } from 'node:net';
import { Aedes } from 'aedes';

const port = Number(process.argv[2]);
const aedes = await Aedes.createBroker();
const server = createServer(aedes.handle);
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => {
  server.close();
  aedes.close(() => process.exit(0));
});
