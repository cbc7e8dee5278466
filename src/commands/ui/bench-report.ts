import type { Progress } from '../../lib/bench/runner.js';
import type { BenchResult, LatencyMs } from '../../lib/bench/result.js';

// mqt bench's words (the line per second and the summary, which names its flags); the numbers come from src/lib/bench.
const number = new Intl.NumberFormat('en-US');

function n(value: number): string {
  return number.format(value);
}

function ms(value: number): string {
  return `${value < 10 ? value.toFixed(3) : value < 100 ? value.toFixed(1) : Math.round(value)} ms`;
}

function plural(count: number, word: string): string {
  return `${n(count)} ${word}${count === 1 ? '' : 's'}`;
}

/** The once-a-second line. */
export function progressLine(p: Progress): string {
  return (
    `${p.elapsedS.toFixed(1).padStart(6)}s ${p.phase.padEnd(10)} sent ${n(p.sentPerS).padStart(9)}/s  acked ${n(p.ackedPerS).padStart(9)}/s  ` +
    `received ${n(p.receivedPerS).padStart(9)}/s  in flight ${n(p.inflight)}  errors ${n(p.errors)}  cpu ${p.cpuPercent.toFixed(0)}%`
  );
}

function latencyText(l: LatencyMs): string {
  return `p50 ${ms(l.p50)}, p90 ${ms(l.p90)}, p99 ${ms(l.p99)}, p99.9 ${ms(l.p999)}, max ${ms(l.max)} (${plural(l.count, 'sample')})`;
}

function heading(r: BenchResult): string {
  const s = r.settings;
  const parts = [
    s.publishers > 0 ? plural(s.publishers, 'publisher') : '',
    s.subscribers > 0 ? plural(s.subscribers, 'subscriber') : '',
    s.connections > 0 ? plural(s.connections, 'connection') : '',
    plural(s.workers, 'worker'),
  ];
  if (r.scenario !== 'conn') parts.push(`QoS ${s.qos}`, `${s.payload_bytes}-byte payloads`);
  return `mqt bench ${r.scenario}: ${parts.filter((p) => p !== '').join(', ')}`;
}

function messageLines(r: BenchResult): string[] {
  const m = r.messages;
  const t = r.throughput;
  const counts = [`sent ${n(m.sent)}`, `acked ${n(m.acked)}`];
  if (r.settings.subscribers > 0) counts.push(`received ${n(m.received)}${m.expected === null ? '' : ` of ${n(m.expected)} expected`}`);
  const checks = [
    ...(m.lost === null ? [] : [`lost ${n(m.lost)}`]),
    `duplicates ${n(m.duplicates)}`,
    `out of order ${n(m.out_of_order)}`,
    ...(m.foreign > 0 ? [`foreign ${n(m.foreign)}`] : []),
    ...(r.settings.subscribers > 1 && m.slowest_subscriber !== null ? [`slowest subscriber ${n(m.slowest_subscriber)}`] : []),
  ];
  const lines = [`messages     ${counts.join(', ')}${r.settings.subscribers > 0 ? `; ${checks.join(', ')}` : ''}`];
  const out = r.settings.publishers > 0 ? [`out ${n(t.sent_per_s)} msgs/s (${t.sent_mb_per_s.toFixed(2)} MB/s)`] : [];
  const into = r.settings.subscribers > 0 ? [`in ${n(t.received_per_s)} msgs/s (${t.received_mb_per_s.toFixed(2)} MB/s)`] : [];
  lines.push(`throughput   ${[...out, ...into].join(', ')} over ${r.elapsed_s.toFixed(2)} s`);
  return lines;
}

/** The human summary printed at the end of a run. */
export function summaryText(r: BenchResult): string {
  const c = r.connections;
  const connect = c.connect_ms === null ? '' : `; connect p50 ${ms(c.connect_ms.p50)}, p99 ${ms(c.connect_ms.p99)}, max ${ms(c.connect_ms.max)}`;
  const lines = [heading(r), `connections  ${n(c.ok)} ok, ${n(c.failed)} failed, ${n(c.per_s)}/s${connect}`];
  if (r.scenario !== 'conn') lines.push(...messageLines(r));
  if (r.latency_ms !== null) lines.push(`latency      ${latencyText(r.latency_ms)}`);
  const cpu = r.cpu;
  const machine = cpu.machine_busy_percent === null ? '' : `; machine busy ${cpu.machine_busy_percent}%, steal ${cpu.steal_percent ?? 0}%`;
  lines.push(`generator    CPU ${cpu.percent}% of ${plural(cpu.cores, 'core')}, worker loops busy ${cpu.workers_busy_percent}%${machine}`);
  if (cpu.generator_bound) {
    lines.push('warning      the generator used >= 90% of its cores: it, not the broker, may be the limit (try --workers or fewer connections)');
  }
  for (const { text, count } of r.errors.messages.slice(0, 5)) lines.push(`error        ${count} × ${text}`);
  lines.push(`result       ${r.ok ? 'ok' : `FAILED: ${r.reason ?? ''}`}`);
  return `${lines.join('\n')}\n`;
}
