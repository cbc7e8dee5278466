import { readFileSync } from 'node:fs';

/** The generator's CPU share above which it, not the broker, is taken to be the limit. */
export const BOTTLENECK_SHARE = 0.9;

interface MachineTimes {
  total: number;
  idle: number;
  steal: number;
}

/** The machine's CPU counters from /proc/stat (Linux); undefined elsewhere. */
function machineTimes(): MachineTimes | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    if (fields.length < 8 || fields.some((n) => !Number.isFinite(n))) return undefined;
    const [, , , idle = 0, iowait = 0, , , steal = 0] = fields;
    return { total: fields.reduce((a, b) => a + b, 0), idle: idle + iowait, steal };
  } catch {
    return undefined;
  }
}

export interface CpuSample {
  /** This process (every thread) as a share of the cores it can use: 1 = all of them busy. */
  share: number;
  /** Share of the whole machine's time the hypervisor took away; undefined off Linux. */
  steal: number | undefined;
  /** Share of the whole machine busy, everyone's work together; undefined off Linux. */
  machineBusy: number | undefined;
}

/**
 * Measures our own CPU use between two moments: process.cpuUsage covers every thread of the
 * process (all workers), divided by the cores the workers can occupy.
 */
export class CpuMeter {
  private usage = process.cpuUsage();
  private wall = process.hrtime.bigint();
  private machine = machineTimes();

  constructor(private readonly cores: number) {}

  /** The use since the previous sample (or since creation), and starts a new interval. */
  sample(): CpuSample {
    const usage = process.cpuUsage(this.usage);
    const now = process.hrtime.bigint();
    const wallMicros = Number(now - this.wall) / 1000;
    const machine = machineTimes();
    const before = this.machine;
    this.usage = process.cpuUsage();
    this.wall = now;
    this.machine = machine;
    const share = wallMicros > 0 ? (usage.user + usage.system) / wallMicros / this.cores : 0;
    if (machine === undefined || before === undefined || machine.total <= before.total) {
      return { share, steal: undefined, machineBusy: undefined };
    }
    const total = machine.total - before.total;
    return { share, steal: (machine.steal - before.steal) / total, machineBusy: 1 - (machine.idle - before.idle) / total };
  }
}
