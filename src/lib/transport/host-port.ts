/** An address as users write it next to a port: an IPv6 literal in brackets, anything else as is. */
export function bracketHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** `host:port`, with an IPv6 literal in brackets. */
export function hostPort(host: string, port: number): string {
  return `${bracketHost(host)}:${port}`;
}
