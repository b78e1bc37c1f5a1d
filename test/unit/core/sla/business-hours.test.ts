import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../core/errors.js';
import { addBusinessTime, type BusinessCalendar, businessTimeBetween, isBusinessTime, ZBusinessCalendar } from '../../../../core/sla/business-hours.js';
import { isValidTimeZone, localDayOf, offsetAt } from '../../../../core/sla/time-zone.js';
import { add, berlin, between, calendar, EVERY_DAY, HOUR, MINUTE, newYork, newYorkAllDay, open, sundays } from './business-hours-fixtures.js';

const DAY = 24 * HOUR;

// Mon–Fri 09:00–18:00, UTC+8 all year.
const shanghai = calendar({ timezone: 'Asia/Shanghai' });
// Given out of order on purpose: the schema sorts the ranges.
const shanghaiLunch = calendar({
  timezone: 'Asia/Shanghai',
  hours: [
    { from: '13:30', to: '18:00' },
    { from: '09:00', to: '12:00' },
  ],
});
// National Day week off (Thu 1 – Wed 7 Oct 2026), made up on Sunday 27 Sep and Saturday 10 Oct.
const nationalDay = calendar({
  timezone: 'Asia/Shanghai',
  holidays: ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'],
  workdays: ['2026-09-27', '2026-10-10'],
});

describe('addBusinessTime on a 09:00–18:00 weekday calendar (Asia/Shanghai)', () => {
  it.each([
    ['inside hours', '2026-11-24T10:00:00+08:00', 30 * MINUTE, '2026-11-24T10:30:00+08:00'],
    ['over the night', '2026-11-24T17:00:00+08:00', 2 * HOUR, '2026-11-25T10:00:00+08:00'],
    ['from before opening', '2026-11-24T07:00:00+08:00', HOUR, '2026-11-24T10:00:00+08:00'],
    ['from late evening', '2026-11-24T23:30:00+08:00', 15 * MINUTE, '2026-11-25T09:15:00+08:00'],
    ['from the opening minute', '2026-11-24T09:00:00+08:00', HOUR, '2026-11-24T10:00:00+08:00'],
    ['from the closing minute', '2026-11-24T18:00:00+08:00', HOUR, '2026-11-25T10:00:00+08:00'],
    ['from one minute before closing', '2026-11-24T17:59:00+08:00', 2 * MINUTE, '2026-11-25T09:01:00+08:00'],
    ['running out exactly at closing stays on that day', '2026-11-24T17:00:00+08:00', HOUR, '2026-11-24T18:00:00+08:00'],
    ['one millisecond to closing', '2026-11-24T17:59:59.999+08:00', 1, '2026-11-24T18:00:00+08:00'],
    ['a fractional millisecond is truncated by Date', '2026-11-24T10:00:00+08:00', 1.5, '2026-11-24T10:00:00.001+08:00'],
    ['over the weekend', '2026-11-27T17:00:00+08:00', 2 * HOUR, '2026-11-30T10:00:00+08:00'],
    ['from a Saturday', '2026-11-28T12:00:00+08:00', HOUR, '2026-11-30T10:00:00+08:00'],
    ['a full working day', '2026-11-24T10:00:00+08:00', 9 * HOUR, '2026-11-25T10:00:00+08:00'],
    ['72 h: eight working days', '2026-11-23T09:00:00+08:00', 72 * HOUR, '2026-12-02T18:00:00+08:00'],
    ['two weeks (90 h)', '2026-11-23T09:00:00+08:00', 90 * HOUR, '2026-12-04T18:00:00+08:00'],
    ['six weeks over the new year', '2026-11-25T12:00:00+08:00', 6 * 45 * HOUR, '2027-01-06T12:00:00+08:00'],
  ])('%s', (_, start, ms, expected) => {
    expect(add(shanghai, start, ms)).toEqual(new Date(expected));
  });

  it.each([0, -1, -HOUR])('returns start unchanged for ms = %d, even outside hours', (ms) => {
    expect(add(shanghai, '2026-11-28T12:00:00+08:00', ms)).toEqual(new Date('2026-11-28T12:00:00+08:00'));
    expect(add(shanghai, '2026-11-24T10:00:00+08:00', ms)).toEqual(new Date('2026-11-24T10:00:00+08:00'));
  });

  it('returns a new Date, never the one passed in', () => {
    const start = new Date('2026-11-24T10:00:00+08:00');
    expect(addBusinessTime(shanghai, start, 0)).not.toBe(start);
  });
});

describe('lunch breaks', () => {
  it.each([
    ['from the morning into the afternoon', '2026-11-24T11:00:00+08:00', 2 * HOUR, '2026-11-24T14:30:00+08:00'],
    ['from inside the break', '2026-11-24T12:30:00+08:00', 30 * MINUTE, '2026-11-24T14:00:00+08:00'],
    ['running out at the start of the break', '2026-11-24T11:00:00+08:00', HOUR, '2026-11-24T12:00:00+08:00'],
    ['from the end of the break', '2026-11-24T13:30:00+08:00', HOUR, '2026-11-24T14:30:00+08:00'],
    ['a day and a half (7.5 h + 3.75 h)', '2026-11-24T09:00:00+08:00', 11.25 * HOUR, '2026-11-25T14:15:00+08:00'],
  ])('%s', (_, start, ms, expected) => {
    expect(add(shanghaiLunch, start, ms)).toEqual(new Date(expected));
  });

  it('leaves the break out of elapsed time', () => {
    expect(between(shanghaiLunch, '2026-11-24T08:00:00+08:00', '2026-11-24T20:00:00+08:00')).toBe(7.5 * HOUR);
    expect(between(shanghaiLunch, '2026-11-24T11:30:00+08:00', '2026-11-24T14:00:00+08:00')).toBe(HOUR);
  });

  it.each([
    ['2026-11-24T11:59:59.999+08:00', true],
    ['2026-11-24T12:00:00+08:00', false],
    ['2026-11-24T13:29:59.999+08:00', false],
    ['2026-11-24T13:30:00+08:00', true],
  ])('isBusinessTime at %s is %s', (at, expected) => {
    expect(open(shanghaiLunch, at)).toBe(expected);
  });
});

describe('holidays and make-up workdays', () => {
  it.each([
    ['into the National Day week', '2026-09-30T17:00:00+08:00', 2 * HOUR, '2026-10-08T10:00:00+08:00'],
    ['from inside the holidays', '2026-10-03T10:00:00+08:00', HOUR, '2026-10-08T10:00:00+08:00'],
    ['onto a make-up Sunday', '2026-09-25T17:00:00+08:00', 2 * HOUR, '2026-09-27T10:00:00+08:00'],
    ['onto a make-up Saturday', '2026-10-09T17:00:00+08:00', 2 * HOUR, '2026-10-10T10:00:00+08:00'],
  ])('%s', (_, start, ms, expected) => {
    expect(add(nationalDay, start, ms)).toEqual(new Date(expected));
  });

  it('counts only working days over two weeks (3 before, 3 after the holiday incl. a Saturday)', () => {
    expect(between(nationalDay, '2026-09-28T00:00:00+08:00', '2026-10-12T00:00:00+08:00')).toBe(6 * 9 * HOUR);
  });

  it('a date that is both a holiday and a workday is a holiday', () => {
    const both = calendar({ timezone: 'Asia/Shanghai', holidays: ['2026-11-24', '2026-11-28'], workdays: ['2026-11-24', '2026-11-28'] });
    expect(open(both, '2026-11-24T10:00:00+08:00')).toBe(false);
    expect(open(both, '2026-11-28T10:00:00+08:00')).toBe(false);
    expect(add(both, '2026-11-23T17:00:00+08:00', 2 * HOUR)).toEqual(new Date('2026-11-25T10:00:00+08:00'));
  });

  it('judges holidays by the local date, not the UTC date', () => {
    const allDay = calendar({ timezone: 'Asia/Shanghai', days: [...EVERY_DAY], hours: [{ from: '00:00', to: '24:00' }], holidays: ['2026-10-01'] });
    expect(open(allDay, '2026-09-30T15:59:59.999Z')).toBe(true);
    expect(open(allDay, '2026-09-30T16:00:00Z')).toBe(false);
    expect(open(allDay, '2026-10-01T15:59:59.999Z')).toBe(false);
    expect(open(allDay, '2026-10-01T16:00:00Z')).toBe(true);
  });
});

describe('isBusinessTime', () => {
  it.each([
    ['the opening minute', '2026-11-24T09:00:00+08:00', true],
    ['just before opening', '2026-11-24T08:59:59.999+08:00', false],
    ['just before closing', '2026-11-24T17:59:59.999+08:00', true],
    ['the closing minute', '2026-11-24T18:00:00+08:00', false],
    ['Saturday noon', '2026-11-28T12:00:00+08:00', false],
    ['Monday 09:00 local, still Sunday in UTC', '2026-11-30T01:00:00Z', true],
  ])('%s', (_, at, expected) => {
    expect(open(shanghai, at)).toBe(expected);
  });

  it('depends on the calendar zone for the same instant', () => {
    // 10:00 Tuesday in Shanghai, 21:00 Monday in New York, 03:00 Tuesday in Berlin.
    expect([shanghai, newYork, berlin].map((cal) => open(cal, '2026-11-24T02:00:00Z'))).toEqual([true, false, false]);
    // 23:00 in Shanghai, 10:00 in New York, 16:00 in Berlin.
    expect([shanghai, newYork, berlin].map((cal) => open(cal, '2026-11-24T15:00:00Z'))).toEqual([false, true, true]);
  });
});

describe('hours ending at 24:00', () => {
  const evenings = calendar({ timezone: 'Asia/Shanghai', hours: [{ from: '20:00', to: '24:00' }] });
  const allDayWeekdays = calendar({ timezone: 'Asia/Shanghai', hours: [{ from: '00:00', to: '24:00' }] });

  it('open until midnight', () => {
    expect(add(evenings, '2026-11-24T23:00:00+08:00', 2 * HOUR)).toEqual(new Date('2026-11-25T21:00:00+08:00'));
    expect(open(evenings, '2026-11-24T23:59:59.999+08:00')).toBe(true);
    expect(open(evenings, '2026-11-25T00:00:00+08:00')).toBe(false);
  });

  it('whole weekdays run on through midnight and stop for the weekend', () => {
    expect(add(allDayWeekdays, '2026-11-23T23:00:00+08:00', 2 * HOUR)).toEqual(new Date('2026-11-24T01:00:00+08:00'));
    expect(add(allDayWeekdays, '2026-11-27T23:00:00+08:00', 2 * HOUR)).toEqual(new Date('2026-11-30T01:00:00+08:00'));
    expect(between(allDayWeekdays, '2026-11-27T12:00:00+08:00', '2026-11-30T12:00:00+08:00')).toBe(24 * HOUR);
  });
});

describe('null calendar (open 24/7)', () => {
  it('counts plain wall-clock time', () => {
    expect(add(null, '2026-11-28T12:00:00+08:00', 90 * MINUTE)).toEqual(new Date('2026-11-28T13:30:00+08:00'));
    expect(add(null, '2026-03-08T01:30:00-05:00', HOUR)).toEqual(new Date('2026-03-08T03:30:00-04:00'));
    expect(between(null, '2026-11-27T17:00:00+08:00', '2026-11-30T10:00:00+08:00')).toBe(65 * HOUR);
    expect(open(null, '2026-11-28T03:00:00+08:00')).toBe(true);
  });
});

describe('businessTimeBetween edge cases', () => {
  it('is 0 when to <= from', () => {
    expect(between(shanghai, '2026-11-24T12:00:00+08:00', '2026-11-24T10:00:00+08:00')).toBe(0);
    expect(between(shanghai, '2026-11-24T10:00:00+08:00', '2026-11-24T10:00:00+08:00')).toBe(0);
    expect(between(null, '2026-11-24T12:00:00+08:00', '2026-11-24T10:00:00+08:00')).toBe(0);
  });

  it('is 0 when both ends are outside hours with nothing open between', () => {
    expect(between(shanghai, '2026-11-27T18:00:00+08:00', '2026-11-30T09:00:00+08:00')).toBe(0);
  });

  it('counts a whole year of weekdays', () => {
    // 2026 has 261 weekdays (365 days = 52 weeks + Thursday 1 Jan).
    expect(between(shanghai, '2026-01-01T00:00:00+08:00', '2027-01-01T00:00:00+08:00')).toBe(261 * 9 * HOUR);
  });
});

describe('invalid input', () => {
  it('rejects invalid dates and non-finite durations', () => {
    expect(() => addBusinessTime(shanghai, new Date('nope'), HOUR)).toThrow(RangeError);
    expect(() => addBusinessTime(shanghai, new Date('2026-11-24T10:00:00+08:00'), Number.NaN)).toThrow(RangeError);
    expect(() => addBusinessTime(null, new Date('2026-11-24T10:00:00+08:00'), Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => businessTimeBetween(shanghai, new Date('2026-11-24T10:00:00+08:00'), new Date(Number.NaN))).toThrow('to is an invalid Date');
    expect(() => isBusinessTime(null, new Date(Number.NaN))).toThrow('at is an invalid Date');
  });

  it('re-validates a calendar built by hand instead of parsed', () => {
    const handBuilt: BusinessCalendar = {
      timezone: 'Asia/Shanghai',
      days: ['mon'],
      hours: [
        { from: '09:00', to: '12:00' },
        { from: '11:00', to: '14:00' },
      ],
      holidays: [],
      workdays: [],
    };
    expect(() => addBusinessTime(handBuilt, new Date('2026-11-23T10:00:00+08:00'), HOUR)).toThrow(/opening ranges 09:00–12:00 and 11:00–14:00 overlap/);
  });

  it('gives up on a calendar that is closed for three years instead of looping', () => {
    const holidays: string[] = [];
    for (let t = Date.UTC(2026, 0, 5); t < Date.UTC(2030, 0, 5); t += 7 * DAY) holidays.push(new Date(t).toISOString().slice(0, 10));
    const mondaysOff = calendar({ timezone: 'Asia/Shanghai', days: ['mon'], holidays });
    const attempt = () => add(mondaysOff, '2026-01-01T00:00:00+08:00', HOUR);
    expect(attempt).toThrow(AppError);
    expect(attempt).toThrow('business calendar (Asia/Shanghai) has no business hours in the 1098 days from 2026-01-01: check its days, hours and holidays');
    expect(between(mondaysOff, '2026-01-01T00:00:00+08:00', '2028-01-01T00:00:00+08:00')).toBe(0);
    // Once the holidays run out, Monday 2030-01-07 opens again.
    expect(add(mondaysOff, '2029-06-01T00:00:00+08:00', HOUR)).toEqual(new Date('2030-01-07T10:00:00+08:00'));
  });
});

describe('round trip: businessTimeBetween(start, addBusinessTime(start, x)) === x', () => {
  // A fixed grid: starts every 7 h 13 min from 2 to 16 March 2026, so they fall at every time of day and week and
  // straddle New York's spring-forward (Mar 8); the longer durations also carry Berlin over its change (Mar 29).
  const starts = Array.from({ length: 47 }, (_, i) => new Date(Date.UTC(2026, 2, 2) + i * (7 * HOUR + 13 * MINUTE)));
  const durations = [1, MINUTE, 59 * MINUTE, HOUR, 2.5 * HOUR, 7.5 * HOUR, 9 * HOUR, DAY, 72 * HOUR, 200 * HOUR];
  const calendars: [string, BusinessCalendar][] = [
    ['Shanghai 09:00–18:00', shanghai],
    ['Shanghai with lunch', shanghaiLunch],
    ['Shanghai with holidays and workdays', calendar({ timezone: 'Asia/Shanghai', holidays: ['2026-03-04', '2026-03-05'], workdays: ['2026-03-07'] })],
    ['New York 09:00–18:00', newYork],
    ['New York 00:00–24:00 every day', newYorkAllDay],
    ['New York Sundays 01:00–04:00', sundays('America/New_York', '01:00', '04:00')],
    ['New York Sundays 02:30–04:00', sundays('America/New_York', '02:30', '04:00')],
    [
      'Berlin with lunch and evening',
      calendar({
        timezone: 'Europe/Berlin',
        hours: [
          { from: '08:00', to: '12:00' },
          { from: '13:00', to: '24:00' },
        ],
      }),
    ],
  ];

  it.each(calendars)('%s', (_, cal) => {
    for (const start of starts) {
      let previous = start.getTime();
      for (const ms of durations) {
        const end = addBusinessTime(cal, start, ms);
        expect(businessTimeBetween(cal, start, end)).toBe(ms);
        // Time was still running just before the end, so the end is never pushed past a closing.
        expect(isBusinessTime(cal, new Date(end.getTime() - 1))).toBe(true);
        expect(end.getTime()).toBeGreaterThanOrEqual(previous);
        previous = end.getTime();
      }
    }
  });

  it('holds within a millisecond for fractional durations', () => {
    const start = new Date('2026-03-06T17:59:59.999-05:00');
    for (const ms of [0.25, 0.5, 1.75, 1234.5678, 9 * HOUR + 0.5]) {
      expect(Math.abs(businessTimeBetween(newYork, start, addBusinessTime(newYork, start, ms)) - ms)).toBeLessThan(1);
    }
  });
});

describe('ZBusinessCalendar', () => {
  it('fills in defaults', () => {
    expect(ZBusinessCalendar.parse({ timezone: 'Asia/Shanghai' })).toEqual({
      timezone: 'Asia/Shanghai',
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      hours: [{ from: '09:00', to: '18:00' }],
      holidays: [],
      workdays: [],
    });
  });

  it('sorts ranges and accepts touching ones and 24:00', () => {
    const hours = [
      { from: '12:00', to: '24:00' },
      { from: '00:00', to: '12:00' },
    ];
    expect(ZBusinessCalendar.parse({ timezone: 'UTC', hours }).hours).toEqual([
      { from: '00:00', to: '12:00' },
      { from: '12:00', to: '24:00' },
    ]);
  });

  it.each<[string, Record<string, unknown>, (string | number)[], string]>([
    [
      'unknown zone',
      { timezone: 'Mars/Olympus' },
      ['timezone'],
      'unknown time zone "Mars/Olympus": use an IANA name such as "Asia/Shanghai" or "America/New_York"',
    ],
    ['empty zone', { timezone: '' }, ['timezone'], 'unknown time zone "": use an IANA name such as "Asia/Shanghai" or "America/New_York"'],
    ['time without a leading zero', { hours: [{ from: '9:00', to: '18:00' }] }, ['hours', 0, 'from'], '"9:00" is not a time of day (HH:MM, 00:00 to 24:00)'],
    ['time past 24:00', { hours: [{ from: '09:00', to: '24:30' }] }, ['hours', 0, 'to'], '"24:30" is not a time of day (HH:MM, 00:00 to 24:00)'],
    ['minute 60', { hours: [{ from: '09:60', to: '18:00' }] }, ['hours', 0, 'from'], '"09:60" is not a time of day (HH:MM, 00:00 to 24:00)'],
    [
      'range across midnight',
      { hours: [{ from: '22:00', to: '06:00' }] },
      ['hours', 0],
      'opening range 22:00–06:00 ends before it starts; to span midnight, split it into 22:00–24:00 and 00:00–06:00',
    ],
    ['empty range', { hours: [{ from: '09:00', to: '09:00' }] }, ['hours', 0], 'opening range 09:00–09:00 is empty'],
    [
      'overlapping ranges, given out of order',
      {
        hours: [
          { from: '11:00', to: '14:00' },
          { from: '09:00', to: '12:00' },
        ],
      },
      ['hours'],
      'opening ranges 09:00–12:00 and 11:00–14:00 overlap',
    ],
    ['no ranges', { hours: [] }, ['hours'], 'at least one opening range is needed'],
    ['no weekdays', { days: [] }, ['days'], 'at least one weekday must be open'],
    ['impossible holiday', { holidays: ['2026-02-30'] }, ['holidays', 0], '"2026-02-30" is not a date (YYYY-MM-DD)'],
    ['slashed workday', { workdays: ['2026/10/10'] }, ['workdays', 0], '"2026/10/10" is not a date (YYYY-MM-DD)'],
    ['unknown key', { holiday: ['2026-10-01'] }, [], 'Unrecognized key: "holiday"'],
  ])('rejects %s', (_, input, path, message) => {
    const result = ZBusinessCalendar.safeParse({ timezone: 'Asia/Shanghai', ...input });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => ({ path: issue.path, message: issue.message }))).toEqual([{ path, message }]);
  });

  it('rejects a misspelt weekday', () => {
    const result = ZBusinessCalendar.safeParse({ timezone: 'Asia/Shanghai', days: ['monday'] });
    expect(result.error?.issues).toMatchObject([{ path: ['days', 0], message: expect.stringContaining('"mon"') }]);
  });
});

describe('time-zone helpers', () => {
  it.each([
    ['Asia/Shanghai', '2026-11-24T02:00:00Z', 8 * HOUR],
    ['America/New_York', '2026-03-08T06:59:59.999Z', -5 * HOUR],
    ['America/New_York', '2026-03-08T07:00:00Z', -4 * HOUR],
    ['America/New_York', '2026-11-01T05:59:59.999Z', -4 * HOUR],
    ['America/New_York', '2026-11-01T06:00:00Z', -5 * HOUR],
    ['Europe/Berlin', '2026-03-29T01:00:00Z', 2 * HOUR],
    ['Asia/Kolkata', '2026-01-01T00:00:00Z', 5.5 * HOUR],
    ['UTC', '0050-06-01T12:00:00Z', 0],
    ['UTC', '-000100-06-01T12:00:00Z', 0],
  ])('offsetAt(%s, %s) = %d', (zone, at, expected) => {
    expect(offsetAt(zone, new Date(at).getTime())).toBe(expected);
  });

  it('localDayOf counts local days since 1970-01-01', () => {
    // 2026-11-24 is day 20781; 23:30 on the 23rd in New York is already the 24th in UTC.
    expect(localDayOf('Asia/Shanghai', new Date('2026-11-24T00:30:00+08:00').getTime())).toBe(20781);
    expect(localDayOf('America/New_York', new Date('2026-11-23T23:30:00-05:00').getTime())).toBe(20780);
    expect(localDayOf('UTC', new Date('1969-12-31T23:59:59.999Z').getTime())).toBe(-1);
  });

  it.each([
    ['Asia/Shanghai', true],
    ['UTC', true],
    ['Mars/Olympus', false],
    ['', false],
  ])('isValidTimeZone(%j) = %s', (zone, expected) => {
    expect(isValidTimeZone(zone)).toBe(expected);
  });
});
