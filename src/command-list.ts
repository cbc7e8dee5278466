/** A subcommand: its one-line summary, and its module, loaded only when it runs. */
export interface CommandEntry {
  readonly summary: string;
  readonly load: () => Promise<{ run: (argv: readonly string[]) => Promise<number> }>;
}

export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  pub: { summary: 'publish messages (drop-in for mosquitto_pub)', load: () => import('./commands/pub.js') },
  sub: { summary: 'subscribe and print messages (drop-in for mosquitto_sub)', load: () => import('./commands/sub.js') },
};
