/** The small shapes every part of the configuration shares, whichever file reads or applies it. */
import type { LogLevel } from '../types.js';

/** Where in which file a directive was written: "mymosqui.conf:3". */
export interface Origin {
  file: string;
  line: number;
}

export type ListenerProtocol = 'mqtt' | 'websockets';

/** mosquitto's bind_interface: a network interface by name, with the line that named it. */
export interface BindInterface {
  name: string;
  origin: Origin;
}

export type LogDestination = 'stderr' | 'stdout' | 'file';

/** A line the broker logs at start-up about its configuration (a deprecated directive, an ignored one). */
export interface ConfigNote {
  level: LogLevel;
  text: string;
}
