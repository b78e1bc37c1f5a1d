// Business time across daylight-saving changes (Asia/Shanghai has none: see business-hours.test.ts).
import { describe, expect, it } from 'vitest';
import { add, berlin, berlinAllDay, between, HOUR, MINUTE, newYork, newYorkAllDay, open, sundays } from './business-hours-fixtures.js';

describe('America/New_York across DST', () => {
  it('a weekday calendar keeps local hours over the spring-forward weekend (2026-03-08)', () => {
    expect(add(newYork, '2026-03-06T17:00:00-05:00', 2 * HOUR)).toEqual(new Date('2026-03-09T10:00:00-04:00'));
    expect(between(newYork, '2026-03-06T09:00:00-05:00', '2026-03-09T18:00:00-04:00')).toBe(18 * HOUR);
  });

  it('a weekday calendar keeps local hours over the fall-back weekend (2026-11-01)', () => {
    expect(add(newYork, '2026-10-30T17:00:00-04:00', 2 * HOUR)).toEqual(new Date('2026-11-02T10:00:00-05:00'));
    expect(between(newYork, '2026-10-30T09:00:00-04:00', '2026-11-02T18:00:00-05:00')).toBe(18 * HOUR);
  });

  it('00:00–24:00 lasts 23 h on the spring-forward day and 25 h on the fall-back day', () => {
    expect(between(newYorkAllDay, '2026-03-08T00:00:00-05:00', '2026-03-09T00:00:00-04:00')).toBe(23 * HOUR);
    expect(between(newYorkAllDay, '2026-11-01T00:00:00-04:00', '2026-11-02T00:00:00-05:00')).toBe(25 * HOUR);
    expect(add(newYorkAllDay, '2026-03-08T01:30:00-05:00', HOUR)).toEqual(new Date('2026-03-08T03:30:00-04:00'));
    expect(add(newYorkAllDay, '2026-11-01T01:30:00-04:00', HOUR)).toEqual(new Date('2026-11-01T01:30:00-05:00'));
  });

  it('a range containing the skipped hour is an hour shorter', () => {
    const night = sundays('America/New_York', '01:00', '04:00');
    expect(between(night, '2026-03-08T00:00:00-05:00', '2026-03-08T12:00:00-04:00')).toBe(2 * HOUR);
    expect(add(night, '2026-03-08T00:00:00-05:00', 1.5 * HOUR)).toEqual(new Date('2026-03-08T03:30:00-04:00'));
    expect(between(night, '2026-03-15T00:00:00-04:00', '2026-03-15T12:00:00-04:00')).toBe(3 * HOUR);
  });

  it('a range containing the repeated hour is an hour longer', () => {
    const night = sundays('America/New_York', '01:00', '04:00');
    expect(between(night, '2026-11-01T00:00:00-04:00', '2026-11-01T12:00:00-05:00')).toBe(4 * HOUR);
  });

  it('an opening time the clock skips opens when the clock jumps (03:00 EDT)', () => {
    const cal = sundays('America/New_York', '02:30', '04:00');
    expect(open(cal, '2026-03-08T01:59:59.999-05:00')).toBe(false);
    expect(open(cal, '2026-03-08T03:00:00-04:00')).toBe(true);
    expect(between(cal, '2026-03-08T00:00:00-05:00', '2026-03-08T12:00:00-04:00')).toBe(HOUR);
    expect(add(cal, '2026-03-08T00:00:00-05:00', 30 * MINUTE)).toEqual(new Date('2026-03-08T03:30:00-04:00'));
  });

  it('a range wholly inside the skipped hour does not exist that day', () => {
    const cal = sundays('America/New_York', '02:15', '02:45');
    expect(between(cal, '2026-03-08T00:00:00-05:00', '2026-03-08T12:00:00-04:00')).toBe(0);
    expect(add(cal, '2026-03-08T00:00:00-05:00', 10 * MINUTE)).toEqual(new Date('2026-03-15T02:25:00-04:00'));
  });

  it('an opening time the clock passes twice means its first occurrence (EDT)', () => {
    const cal = sundays('America/New_York', '01:30', '03:00');
    expect(between(cal, '2026-11-01T00:00:00-04:00', '2026-11-01T12:00:00-05:00')).toBe(2.5 * HOUR);
    expect(open(cal, '2026-11-01T01:15:00-04:00')).toBe(false);
    expect(open(cal, '2026-11-01T01:30:00-04:00')).toBe(true);
    expect(open(cal, '2026-11-01T01:15:00-05:00')).toBe(true);
    expect(open(cal, '2026-11-01T03:00:00-05:00')).toBe(false);
  });

  it('a closing time the clock passes twice also means its first occurrence', () => {
    const cal = sundays('America/New_York', '00:30', '01:30');
    expect(between(cal, '2026-11-01T00:00:00-04:00', '2026-11-01T12:00:00-05:00')).toBe(HOUR);
    expect(open(cal, '2026-11-01T01:29:59.999-04:00')).toBe(true);
    expect(open(cal, '2026-11-01T01:00:00-05:00')).toBe(false);
  });
});

describe('Europe/Berlin across DST', () => {
  it('a weekday calendar keeps local hours over both change-over weekends', () => {
    expect(add(berlin, '2026-03-27T17:00:00+01:00', 2 * HOUR)).toEqual(new Date('2026-03-30T10:00:00+02:00'));
    expect(add(berlin, '2026-10-23T17:00:00+02:00', 2 * HOUR)).toEqual(new Date('2026-10-26T10:00:00+01:00'));
  });

  it('00:00–24:00 lasts 23 h on 2026-03-29 and 25 h on 2026-10-25', () => {
    expect(between(berlinAllDay, '2026-03-29T00:00:00+01:00', '2026-03-30T00:00:00+02:00')).toBe(23 * HOUR);
    expect(between(berlinAllDay, '2026-10-25T00:00:00+02:00', '2026-10-26T00:00:00+01:00')).toBe(25 * HOUR);
  });

  it('09:00–18:00 on the change-over Sunday is unaffected', () => {
    const cal = sundays('Europe/Berlin', '09:00', '18:00');
    expect(between(cal, '2026-03-29T00:00:00+01:00', '2026-03-30T00:00:00+02:00')).toBe(9 * HOUR);
    expect(between(cal, '2026-10-25T00:00:00+02:00', '2026-10-26T00:00:00+01:00')).toBe(9 * HOUR);
  });

  it('02:30–03:30 on the fall-back day runs from the first 02:30 (CEST) to 03:30 CET', () => {
    const cal = sundays('Europe/Berlin', '02:30', '03:30');
    expect(between(cal, '2026-10-25T00:00:00+02:00', '2026-10-25T12:00:00+01:00')).toBe(2 * HOUR);
    expect(add(cal, '2026-10-25T00:00:00+02:00', 2 * HOUR)).toEqual(new Date('2026-10-25T03:30:00+01:00'));
  });
});
