/**
 * Runs `handler` on the first SIGINT or SIGTERM instead of Node's default of dying mid-packet,
 * so commands can DISCONNECT cleanly. Returns a function that removes the handlers.
 */
export function onTerminate(handler: (signal: NodeJS.Signals) => void): () => void {
  const listener = (signal: NodeJS.Signals): void => {
    remove();
    handler(signal);
  };
  const remove = (): void => {
    process.off('SIGINT', listener);
    process.off('SIGTERM', listener);
  };
  process.once('SIGINT', listener);
  process.once('SIGTERM', listener);
  return remove;
}

/** The shell's convention for a process ended by a signal: 128 + its number (130 for SIGINT). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 130 : 143;
}

/**
 * Runs `handler` on every SIGHUP (mosquitto reloads its files then) instead of Node's default of
 * exiting. Returns a function that removes the handler.
 */
export function onHangup(handler: () => void): () => void {
  process.on('SIGHUP', handler);
  return () => process.off('SIGHUP', handler);
}
