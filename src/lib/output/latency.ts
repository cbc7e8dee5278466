/**
 * A round-trip time in the unit that suits it, like mosquitto 2.1's rr --latency ("812ns",
 * "143.210µs", "1.234ms"), with three decimals instead of six and a unit on seconds too.
 */
export function latencyText(ns: bigint): string {
  if (ns < 1000n) return `${ns}ns`;
  const value = Number(ns);
  if (ns < 1_000_000n) return `${(value / 1e3).toFixed(3)}µs`;
  if (ns < 1_000_000_000n) return `${(value / 1e6).toFixed(3)}ms`;
  return `${(value / 1e9).toFixed(3)}s`;
}
