import { networkInterfaces } from 'node:os';

/** This machine's IPv4 addresses on the network, which boards use when there is no DNS. */
export function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((addresses) => addresses ?? [])
    .filter((a) => a.family === 'IPv4' && !a.internal)
    .map((a) => a.address);
}
