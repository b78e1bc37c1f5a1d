import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatDuration, parseDuration, ZDuration } from '../../../../core/sla/duration.js';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('parseDuration', () => {
  it.each<[string, number]>([
    ['30m', 30 * MINUTE],
    ['4h', 4 * HOUR],
    ['1h30m', 90 * MINUTE],
    ['2d', 2 * DAY],
    ['45s', 45 * SECOND],
    ['1d2h3m4s', DAY + 2 * HOUR + 3 * MINUTE + 4 * SECOND],
    ['30m1h', 90 * MINUTE],
    ['1.5h', 90 * MINUTE],
    ['0.5d', 12 * HOUR],
    ['2.25m', 135 * SECOND],
    ['  4h ', 4 * HOUR],
    ['0h30m', 30 * MINUTE],
  ])('%j is %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    ['', 'empty'],
    ['30', 'a bare number'],
    ['m', 'a unit alone'],
    ['30 m', 'a space between number and unit'],
    ['1h 30m', 'a space between parts'],
    ['30M', 'an upper-case unit'],
    ['1w', 'an unknown unit'],
    ['-5m', 'a negative value'],
    ['.5h', 'a decimal without a leading digit'],
    ['5m!', 'trailing junk'],
    ['0m', 'zero'],
    ['0h0m', 'zero in parts'],
    ['thirty minutes', 'words'],
  ])('%j (%s) is not a duration', (text) => {
    expect(parseDuration(text)).toBeNull();
  });
});

describe('ZDuration', () => {
  it.each<[string | number, number]>([
    ['30m', 30 * MINUTE],
    ['1h30m', 90 * MINUTE],
    ['3d', 3 * DAY],
    [45, 45 * MINUTE],
    [1.5, 90 * SECOND],
    [0.5, 30 * SECOND],
  ])('%j parses to %i ms (numbers are minutes)', (input, ms) => {
    expect(ZDuration.parse(input)).toBe(ms);
  });

  it.each(['soon', '30', '1h 30m', '0m', ''])('refuses the string %j with a message that names it and shows examples', (input) => {
    const result = ZDuration.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toEqual([`"${input}" is not a duration (use e.g. 30m, 4h, 1h30m, 2d, or a number of minutes)`]);
  });

  it.each([0, -5])('refuses the number %i (a duration must be positive)', (input) => {
    expect(ZDuration.safeParse(input).success).toBe(false);
  });

  it.each([null, true, {}, ['30m']])('refuses %j', (input) => {
    expect(ZDuration.safeParse(input).success).toBe(false);
  });

  it('reports the path of a bad duration inside an object', () => {
    const result = z.object({ after: ZDuration }).safeParse({ after: '2 days' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['after']);
    expect(z.prettifyError(result.error as z.ZodError)).toContain('"2 days" is not a duration');
  });
});

describe('formatDuration', () => {
  it.each<[number, string]>([
    [0, '0s'],
    [45 * SECOND, '45s'],
    [1_499, '1s'],
    [MINUTE, '1m'],
    [90 * SECOND, '2m'],
    [30 * MINUTE, '30m'],
    [HOUR, '1h'],
    [2 * HOUR + 30 * MINUTE, '2h 30m'],
    [23 * HOUR + 59 * MINUTE, '23h 59m'],
    [DAY, '1d'],
    [DAY + 30 * MINUTE, '1d'],
    [3 * DAY + 4 * HOUR, '3d 4h'],
    [3 * DAY + 4 * HOUR + 59 * MINUTE, '3d 4h'],
    [7 * DAY, '7d'],
    [-(2 * HOUR + 30 * MINUTE), '2h 30m'],
    [-45 * SECOND, '45s'],
  ])('%i ms → %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('rounds to the nearest minute from one minute up', () => {
    expect(formatDuration(2 * MINUTE + 29 * SECOND)).toBe('2m');
    expect(formatDuration(2 * MINUTE + 30 * SECOND)).toBe('3m');
    expect(formatDuration(59 * MINUTE + 30 * SECOND)).toBe('1h');
  });

  // BUG: just under a minute rounds up to "60s" in the seconds branch instead of showing "1m".
  it('59.5 s renders as "1m", not "60s"', () => {
    expect(formatDuration(59_500)).toBe('1m');
  });
});

describe('formatDuration in Chinese', () => {
  it('uses Chinese units without spaces', () => {
    expect(formatDuration(2 * 3_600_000 + 30 * 60_000, 'zh')).toBe('2小时30分钟');
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000, 'zh')).toBe('3天4小时');
    expect(formatDuration(45_000, 'zh')).toBe('45秒');
    expect(formatDuration(2 * 3_600_000 + 30 * 60_000)).toBe('2h 30m');
  });
});
