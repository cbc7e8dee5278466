/**
 * The time printed with a message (-F's @ sequences, %I, %U, the JSON "tst"): one instant, read
 * once per message, with its local calendar fields. Renderers take a Clock so tests can fix the
 * instant and the time zone.
 */
export interface Moment {
  /** Whole seconds since the Unix epoch. */
  readonly seconds: number;
  /** Nanoseconds within that second, 0 to 999999999. */
  readonly nanoseconds: number;
  readonly year: number;
  /** 1 to 12. */
  readonly month: number;
  /** Day of the month, 1 to 31. */
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** 0 is Sunday, as in struct tm. */
  readonly weekday: number;
  /** Day of the year, 1 to 366. */
  readonly yearDay: number;
  /** Offset of local time from UTC in minutes, east positive (+0530 is 330). */
  readonly utcOffsetMinutes: number;
  /** Abbreviated zone name for strftime's %Z. */
  readonly zone: string;
}

export type Clock = () => Moment;

const NS_PER_SECOND = 1_000_000_000n;
const MS_PER_DAY = 86_400_000;

/** The calendar fields of an instant seen from a zone `utcOffsetMinutes` east of UTC. */
export function momentAt(epochNanoseconds: bigint, utcOffsetMinutes: number, zone: string): Moment {
  let whole = epochNanoseconds / NS_PER_SECOND;
  let rest = epochNanoseconds - whole * NS_PER_SECOND;
  if (rest < 0n) {
    whole -= 1n;
    rest += NS_PER_SECOND;
  }
  const seconds = Number(whole);
  // A Date read with its UTC getters at the shifted instant gives the local wall-clock fields.
  const local = new Date((seconds + utcOffsetMinutes * 60) * 1000);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth();
  const day = local.getUTCDate();
  return {
    seconds,
    nanoseconds: Number(rest),
    year,
    month: month + 1,
    day,
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    weekday: local.getUTCDay(),
    yearDay: (Date.UTC(year, month, day) - Date.UTC(year, 0, 1)) / MS_PER_DAY + 1,
    utcOffsetMinutes,
    zone,
  };
}

/**
 * Nanoseconds since the epoch. Date has only milliseconds, so the wall clock is read once and the
 * monotonic high-resolution clock counts from there: @N never goes backwards within a run. If the
 * wall clock is set (NTP, by hand) by more than a second, the anchor follows it.
 */
let anchor: bigint | undefined;

function wallClockAnchor(): bigint {
  const epochMicroseconds = Math.round((performance.timeOrigin + performance.now()) * 1000);
  return BigInt(epochMicroseconds) * 1000n - process.hrtime.bigint();
}

function epochNanosecondsNow(): bigint {
  // Anchored on first use, not at load: `performance` costs start-up time (perf_hooks).
  anchor ??= wallClockAnchor();
  const now = anchor + process.hrtime.bigint();
  if (Math.abs(Number(now / 1_000_000n) - Date.now()) > 1000) {
    anchor = wallClockAnchor();
    return anchor + process.hrtime.bigint();
  }
  return now;
}

let zoneOffset = Number.NaN;
let zoneName = '';

/**
 * The zone's short name as Intl gives it ("UTC", "PST", "GMT+1"), looked up again only when the
 * offset changes, because Intl is slow next to the rest of a message's rendering.
 */
function zoneNameFor(epochMilliseconds: number, utcOffsetMinutes: number): string {
  if (utcOffsetMinutes !== zoneOffset) {
    const parts = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(new Date(epochMilliseconds));
    zoneName = parts.find((part) => part.type === 'timeZoneName')?.value ?? '';
    zoneOffset = utcOffsetMinutes;
  }
  return zoneName;
}

/** The machine's clock in the local time zone (TZ), as mosquitto_sub's localtime(). */
export const systemClock: Clock = () => {
  const ns = epochNanosecondsNow();
  const ms = Number(ns / 1_000_000n);
  const offset = -new Date(ms).getTimezoneOffset();
  return momentAt(ns, offset, zoneNameFor(ms, offset));
};
