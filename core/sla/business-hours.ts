import { z } from 'zod';
import { AppError } from '../errors.js';
import { DAY_MS, isValidTimeZone, localDayOf, MINUTE_MS, wallResolverForDay } from './time-zone.js';

// Index = JavaScript's getUTCDay(), so a day number maps to its name without a lookup table.
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const TIME_OF_DAY = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// A calendar closed for this long is a configuration mistake, not a long holiday; give up instead of spinning.
const MAX_CLOSED_DAYS = 3 * 366;
// Bounds memory for long-running processes; a few years of days per calendar is plenty for hot paths.
const DAY_CACHE_LIMIT = 4096;

const ZTimeOfDay = z.string().regex(TIME_OF_DAY, { error: (issue) => `"${String(issue.input)}" is not a time of day (HH:MM, 00:00 to 24:00)` });

const ZLocalDate = z.string().refine((text) => dayNumberOf(text) !== null, { error: (issue) => `"${String(issue.input)}" is not a date (YYYY-MM-DD)` });

const ZOpeningRange = z
  .object({ from: ZTimeOfDay, to: ZTimeOfDay })
  .strict()
  // Written as a negation so a malformed time (NaN, already reported by its own field) does not add a second issue.
  .refine((range) => !(minutesOf(range.from) >= minutesOf(range.to)), {
    error: (issue) => {
      const { from, to } = issue.input as { from: string; to: string };
      if (from === to) return `opening range ${from}–${to} is empty`;
      return `opening range ${from}–${to} ends before it starts; to span midnight, split it into ${from}–24:00 and 00:00–${to}`;
    },
  });

/**
 * Business hours for SLA clocks. Everything is judged in `timezone` local time: weekdays, dates and `hours`.
 * A date in both `holidays` and `workdays` is a holiday: being off is the safer reading of a contradictory config.
 */
export const ZBusinessCalendar = z
  .object({
    /** IANA time zone, e.g. "Asia/Shanghai". */
    timezone: z.string().refine(isValidTimeZone, {
      error: (issue) => `unknown time zone "${String(issue.input)}": use an IANA name such as "Asia/Shanghai" or "America/New_York"`,
    }),
    /** Weekdays that are open unless listed in `holidays`. */
    days: z.array(z.enum(WEEKDAYS)).min(1, 'at least one weekday must be open').default(['mon', 'tue', 'wed', 'thu', 'fri']),
    /** Local opening ranges of an open day, `to` exclusive and up to "24:00"; a lunch break is a gap between two ranges. */
    hours: z
      .array(ZOpeningRange)
      .min(1, 'at least one opening range is needed')
      .superRefine((ranges, ctx) => {
        const sorted = sortRanges(ranges);
        for (let i = 1; i < sorted.length; i++) {
          const [prev, next] = [sorted[i - 1], sorted[i]];
          if (prev && next && minutesOf(next.from) < minutesOf(prev.to))
            ctx.addIssue({ code: 'custom', message: `opening ranges ${prev.from}–${prev.to} and ${next.from}–${next.to} overlap` });
        }
      })
      .transform(sortRanges)
      .default(() => [{ from: '09:00', to: '18:00' }]),
    /** Local dates that are closed whatever their weekday (public holidays). */
    holidays: z.array(ZLocalDate).default([]),
    /** Local dates that are open although their weekday is not (make-up working days, 调休). */
    workdays: z.array(ZLocalDate).default([]),
  })
  .strict();

/** A parsed business calendar (defaults applied, `hours` sorted). Treated as immutable once used. */
export type BusinessCalendar = z.infer<typeof ZBusinessCalendar>;

/**
 * The instant at which `ms` of business time has elapsed, counting from `start`; counting begins at the next opening
 * when `start` is outside business hours, and lands on the closing instant when the time runs out exactly there.
 * `ms <= 0` returns `start` unchanged, even outside business hours, so a zero target is due immediately.
 * A `null` calendar is open 24/7 (plain wall-clock time). Throws when the calendar is closed for three years on end.
 */
export function addBusinessTime(cal: BusinessCalendar | null, start: Date, ms: number): Date {
  const t0 = instantOf(start, 'start');
  if (!Number.isFinite(ms)) throw new RangeError(`addBusinessTime: ms must be a finite number, got ${ms}`);
  if (ms <= 0) return new Date(t0);
  if (cal === null) return new Date(t0 + ms);
  const compiled = compile(cal);
  // Starting a day early is cheap insurance against zones whose DST change straddles local midnight.
  const firstDay = localDayOf(compiled.zone, t0) - 1;
  let remaining = ms;
  let closedSince = firstDay + 1;
  for (let day = firstDay; ; day++) {
    const intervals = intervalsOf(compiled, day);
    if (intervals.length > 0) closedSince = day + 1;
    else if (day + 1 - closedSince >= MAX_CLOSED_DAYS) throw neverOpen(compiled.zone, closedSince);
    for (const [open, close] of intervals) {
      if (close <= t0) continue;
      const from = Math.max(open, t0);
      if (remaining <= close - from) return new Date(from + remaining);
      remaining -= close - from;
    }
  }
}

/** Business time in ms between two instants; 0 when `to <= from`. A `null` calendar counts wall-clock time. */
export function businessTimeBetween(cal: BusinessCalendar | null, from: Date, to: Date): number {
  const a = instantOf(from, 'from');
  const b = instantOf(to, 'to');
  if (b <= a) return 0;
  if (cal === null) return b - a;
  const compiled = compile(cal);
  let total = 0;
  const lastDay = localDayOf(compiled.zone, b) + 1;
  for (let day = localDayOf(compiled.zone, a) - 1; day <= lastDay; day++) {
    for (const [open, close] of intervalsOf(compiled, day)) {
      const overlap = Math.min(close, b) - Math.max(open, a);
      if (overlap > 0) total += overlap;
    }
  }
  return total;
}

/** Whether `at` falls in business hours: an opening instant is inside, a closing instant is not. `null` is always open. */
export function isBusinessTime(cal: BusinessCalendar | null, at: Date): boolean {
  const t = instantOf(at, 'at');
  if (cal === null) return true;
  const compiled = compile(cal);
  const day = localDayOf(compiled.zone, t);
  for (let d = day - 1; d <= day; d++) {
    for (const [open, close] of intervalsOf(compiled, d)) if (open <= t && t < close) return true;
  }
  return false;
}

type Interval = readonly [open: number, close: number];

interface CompiledCalendar {
  zone: string;
  openWeekdays: ReadonlySet<number>;
  ranges: readonly (readonly [from: number, to: number])[];
  holidays: ReadonlySet<number>;
  workdays: ReadonlySet<number>;
  /** Opening intervals (epoch ms) per local day number. */
  days: Map<number, readonly Interval[]>;
}

const NO_INTERVALS: readonly Interval[] = [];
const compiledCalendars = new WeakMap<BusinessCalendar, CompiledCalendar>();

function compile(cal: BusinessCalendar): CompiledCalendar {
  const cached = compiledCalendars.get(cal);
  if (cached) return cached;
  // Re-validating costs once per calendar object and protects against hand-built calendars with overlapping hours.
  const parsed = ZBusinessCalendar.safeParse(cal);
  if (!parsed.success) throw new AppError('CONFIG_INVALID', { message: `invalid business calendar:\n${z.prettifyError(parsed.error)}`, cause: parsed.error });
  const { timezone, days, hours, holidays, workdays } = parsed.data;
  const dayNumbers = (dates: string[]) => new Set(dates.map((date) => dayNumberOf(date) ?? Number.NaN));
  const compiled: CompiledCalendar = {
    zone: timezone,
    openWeekdays: new Set(days.map((name) => WEEKDAYS.indexOf(name))),
    ranges: hours.map((range) => [minutesOf(range.from), minutesOf(range.to)] as const),
    holidays: dayNumbers(holidays),
    workdays: dayNumbers(workdays),
    days: new Map(),
  };
  compiledCalendars.set(cal, compiled);
  return compiled;
}

function intervalsOf(cal: CompiledCalendar, day: number): readonly Interval[] {
  const cached = cal.days.get(day);
  if (cached) return cached;
  let intervals = NO_INTERVALS;
  if (isOpenDay(cal, day)) {
    const resolve = wallResolverForDay(cal.zone, day);
    const midnight = day * DAY_MS;
    const found: Interval[] = [];
    for (const [from, to] of cal.ranges) {
      const open = resolve(midnight + from * MINUTE_MS);
      const close = resolve(midnight + to * MINUTE_MS);
      // A range lying wholly in a skipped DST hour has no instants at all that day.
      if (close > open) found.push([open, close]);
    }
    intervals = found;
  }
  if (cal.days.size >= DAY_CACHE_LIMIT) cal.days.clear();
  cal.days.set(day, intervals);
  return intervals;
}

function isOpenDay(cal: CompiledCalendar, day: number): boolean {
  if (cal.holidays.has(day)) return false;
  if (cal.workdays.has(day)) return true;
  // 1970-01-01, day 0, was a Thursday.
  return cal.openWeekdays.has((((day + 4) % 7) + 7) % 7);
}

function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

function sortRanges<T extends { from: string }>(ranges: T[]): T[] {
  return [...ranges].sort((a, b) => minutesOf(a.from) - minutesOf(b.from));
}

/** Days since 1970-01-01 for a "YYYY-MM-DD" date, or null when it is not a real calendar date. */
function dayNumberOf(text: string): number | null {
  const match = LOCAL_DATE.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date.getTime() / DAY_MS;
}

function instantOf(date: Date, name: string): number {
  const t = date.getTime();
  if (Number.isNaN(t)) throw new RangeError(`${name} is an invalid Date`);
  return t;
}

function neverOpen(zone: string, closedSince: number): AppError {
  const since = new Date(closedSince * DAY_MS).toISOString().slice(0, 10);
  return new AppError('CONFIG_INVALID', {
    message: `business calendar (${zone}) has no business hours in the ${MAX_CLOSED_DAYS} days from ${since}: check its days, hours and holidays`,
  });
}
