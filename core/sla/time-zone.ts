/** Time-zone arithmetic on plain epoch milliseconds, built on the runtime's ICU data (no tz library). */

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

// Constructing a DateTimeFormat costs far more than formatting with one, and these run on every ticket change.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** True when the runtime knows `zone` as a time zone (IANA names such as "Asia/Shanghai", or "UTC"). */
export function isValidTimeZone(zone: string): boolean {
  if (zone.trim() === '') return false;
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

// en-US with hourCycle h23 and a short era formats as "3/8/2026 AD, 01:59:59".
const EN_US_DATE_TIME = /^(\d+)\/(\d+)\/(\d+) (AD|BC), (\d+):(\d+):(\d+)$/;

/** Local wall time minus UTC, in ms, at the instant `t` (epoch ms). */
export function offsetAt(zone: string, t: number): number {
  const formatter = formatterFor(zone);
  // format() is about three times faster than formatToParts(); the parts are the fallback should ICU change the layout.
  const match = EN_US_DATE_TIME.exec(formatter.format(t));
  const fields = match ? fieldsOfMatch(match) : fieldsOfParts(formatter.formatToParts(t));
  const year = fields.bc ? 1 - fields.year : fields.year;
  const { month, day, hour, minute, second } = fields;
  // Date.UTC reads years 0–99 as 1900–1999; far-past instants are rare but must not get a wrong offset.
  const wall =
    year >= 100 ? Date.UTC(year, month - 1, day, hour, minute, second) : new Date(Date.UTC(2000, month - 1, day, hour, minute, second)).setUTCFullYear(year);
  // ICU formats whole seconds, so compare against `t` with its milliseconds dropped.
  return wall - (t - mod(t, 1000));
}

interface WallFields {
  bc: boolean;
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function fieldsOfMatch(match: RegExpExecArray): WallFields {
  const [, month, day, year, era, hour, minute, second] = match;
  return { bc: era === 'BC', year: Number(year), month: Number(month), day: Number(day), hour: Number(hour), minute: Number(minute), second: Number(second) };
}

function fieldsOfParts(parts: Intl.DateTimeFormatPart[]): WallFields {
  const fields: WallFields = { bc: false, year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
  for (const { type, value } of parts) {
    if (type === 'era') fields.bc = value === 'BC' || value === 'B';
    else if (type === 'year' || type === 'month' || type === 'day' || type === 'hour' || type === 'minute' || type === 'second') fields[type] = Number(value);
  }
  return fields;
}

/** The local calendar day (days since 1970-01-01) that contains the instant `t`. */
export function localDayOf(zone: string, t: number): number {
  return Math.floor((t + offsetAt(zone, t)) / DAY_MS);
}

/**
 * Resolves local wall-clock times (given as epoch ms of the same wall time in UTC) to instants, for one local day.
 * A time the clock skips maps to the instant the clock jumps (so a range spanning the gap simply gets shorter);
 * a time the clock passes twice maps to its first occurrence.
 */
export function wallResolverForDay(zone: string, day: number): (wall: number) => number {
  const dayStart = day * DAY_MS;
  // Offsets lie within -12h..+14h, so these two probes bracket every instant of the local day.
  const before = offsetAt(zone, dayStart - 15 * HOUR_MS);
  const after = offsetAt(zone, dayStart + DAY_MS + 13 * HOUR_MS);
  // No zone changes its offset twice within two days, so equal offsets mean none change during this day.
  if (before === after) return (wall) => wall - before;
  return (wall) => wallToInstant(zone, wall, before, after);
}

function wallToInstant(zone: string, wall: number, before: number, after: number): number {
  const early = wall - before;
  const late = wall - after;
  const candidates = [early, late].filter((t, i) => offsetAt(zone, t) === (i === 0 ? before : after));
  if (candidates.length > 0) return Math.min(...candidates);
  // In a gap, `late` lies before the transition and `early` after it: search for the jump itself.
  let lo = Math.min(early, late);
  let hi = Math.max(early, late);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(zone, mid) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/** "2026-11-24 14:30" in the time zone of the ticket's team calendar (else the server's). */
export function formatLocalTime(date: Date, timeZone: string | undefined): string {
  const key = timeZone ?? '';
  let format = FORMATS.get(key);
  if (!format) {
    // Building a formatter costs far more than using one: keep one per zone.
    format = new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    FORMATS.set(key, format);
  }
  return format.format(date);
}

const FORMATS = new Map<string, Intl.DateTimeFormat>();
