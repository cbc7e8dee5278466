/** The subcommands and their one-line summaries; each is a bundle of its own, loaded only when it runs. */
export const COMMANDS: Readonly<Record<string, string>> = {
  pub: 'publish messages (drop-in for mosquitto_pub)',
  sub: 'subscribe and print messages (drop-in for mosquitto_sub)',
  passwd: 'create and update password files for the broker (drop-in for mosquitto_passwd)',
  'gen-ca': 'make a CA and TLS certificates that brokers and ESP boards accept, or check one',
  'gen-psk': 'make TLS-PSK keys for the broker psk_file and ESP32 boards',
  bench: 'load-test a broker: rates, loss, latency percentiles and its own CPU',
};
