/** The subcommands and their one-line summaries; each is a bundle of its own, loaded only when it runs. */
export const COMMANDS: Readonly<Record<string, string>> = {
  pub: 'publish messages (drop-in for mosquitto_pub)',
  sub: 'subscribe and print messages (drop-in for mosquitto_sub)',
  rr: 'send an MQTT 5 request and print its response (drop-in for mosquitto_rr)',
  serve: 'run an MQTT broker (stands in for mosquitto: same flags, same mosquitto.conf)',
  passwd: 'create and update password files for the broker (drop-in for mosquitto_passwd)',
  'gen-ca': 'make a CA and TLS certificates that brokers and ESP boards accept, or check one',
  'gen-psk': 'make TLS-PSK keys for the broker psk_file and ESP32 boards',
  bench: 'load-test a broker: rates, loss, latency percentiles and its own CPU',
  'link-mosquitto': 'make mosquitto_pub, mosquitto_sub, mosquitto_rr and mosquitto_passwd links to mqt in a folder',
};
