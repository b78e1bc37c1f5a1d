import { describe, expect, test } from 'vitest';
import { SeenEvents } from '../../../bot/slack/seen-events.js';

describe('SeenEvents', () => {
  test('an id is new once; again within the TTL it is a redelivery; after the TTL it is new again', () => {
    const seen = new SeenEvents(60_000, 100);
    expect(seen.first('Ev1', 0)).toBe(true);
    expect(seen.first('Ev1', 59_999)).toBe(false);
    expect(seen.first('Ev2', 59_999)).toBe(true);
    expect(seen.first('Ev1', 60_000)).toBe(true);
  });

  test('an empty id (no event_id) is never treated as seen', () => {
    const seen = new SeenEvents();
    expect(seen.first('', 0)).toBe(true);
    expect(seen.first('', 1)).toBe(true);
  });

  test('beyond the cap the oldest ids are forgotten, the newest kept', () => {
    const seen = new SeenEvents(60_000, 3);
    for (const id of ['a', 'b', 'c', 'd']) expect(seen.first(id, 10)).toBe(true);
    expect(seen.first('d', 11)).toBe(false);
    expect(seen.first('c', 11)).toBe(false);
    expect(seen.first('a', 11)).toBe(true);
  });
});
