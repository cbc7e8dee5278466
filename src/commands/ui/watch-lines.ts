import type { Output } from './output.js';

/** ANSI rows count from 1 and stop at 65535: topics past that share the last row. */
const LAST_ROW = 65535;
const CSI = '\x1b[';

/**
 * sub's -w (mosquitto 2.1's --watch): the screen is cleared, row 1 names the broker, and each
 * topic keeps the row below the rows of the topics that came before it, its newest message
 * printed there. Unlike mosquitto, the rest of the row is erased first, so a shorter payload
 * leaves nothing of the longer one it replaces.
 */
export class WatchLines {
  private readonly rows = new Map<string, number>();

  constructor(private readonly out: Output) {}

  start(broker: string): void {
    this.write(`${CSI}2J${CSI}1;1HBroker: ${broker}\n`);
  }

  /** Puts the cursor on the topic's row, the first time at the bottom. */
  before(topic: string): void {
    let row = this.rows.get(topic);
    if (row === undefined) {
      row = Math.min(this.rows.size + 2, LAST_ROW);
      if (row < LAST_ROW) this.rows.set(topic, row);
    }
    this.write(`${CSI}${row};1H${CSI}K`);
  }

  /** Leaves the cursor below the last row, where a debug line or the shell prompt goes. */
  after(): void {
    this.write(`${CSI}${Math.min(this.rows.size + 1, LAST_ROW)};1H\n`);
  }

  private write(text: string): void {
    this.out.write(Buffer.from(text));
  }
}
