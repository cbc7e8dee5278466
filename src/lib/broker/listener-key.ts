/** The three fields of a listener's config that name it. */
export interface ListenerPlace {
  /** TCP port; 0 for a unix socket. */
  port: number;
  bindAddress?: string | undefined;
  unixPath?: string | undefined;
}

/** What ListenerInfo.address says of a listener: its socket path, its bind address, or '' for every address. */
export function listenerAddress(place: ListenerPlace): string {
  return place.unixPath ?? place.bindAddress ?? '';
}

/**
 * Names a listener across a restart by port and address, as the config gives them: a persistent
 * session journals the key of the listener it came through, so its access checks while its client
 * is away are still that listener's.
 */
export function listenerKey(place: ListenerPlace): string {
  return `${place.port} ${listenerAddress(place)}`;
}
