import type { MqttClient } from '../../lib/client/client.js';
import { debugLine } from '../../lib/output/debug-lines.js';
import { loadChalk, wantsColour } from './colour.js';
import type { Output } from './output.js';

/**
 * Prints mosquitto's -d lines for every packet the client sends and receives. On a terminal the
 * direction is coloured so a student can follow the exchange; in a pipe the bytes match mosquitto.
 */
export async function attachDebugLog(client: MqttClient, out: Output): Promise<void> {
  let paint: (text: string, direction: 'sending' | 'received') => string = (text) => text;
  if (wantsColour(process.stdout)) {
    const chalk = await loadChalk();
    paint = (text, direction) => (direction === 'sending' ? chalk.cyan(text) : chalk.green(text));
  }
  client.on('packetsend', (packet, mid) => {
    out.line(paint(debugLine('sending', packet, client.clientId, mid), 'sending'));
  });
  client.on('packetreceive', (packet) => {
    out.line(paint(debugLine('received', packet, client.clientId), 'received'));
  });
}
