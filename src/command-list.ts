/** The subcommands and their one-line summaries; each is a bundle of its own, loaded only when it runs. */
export const COMMANDS: Readonly<Record<string, string>> = {
  pub: 'publish messages (drop-in for mosquitto_pub)',
  sub: 'subscribe and print messages (drop-in for mosquitto_sub)',
  passwd: 'create and update password files for the broker (drop-in for mosquitto_passwd)',
};
