import { describe, expect, test } from 'vitest';
import { InProcessScheduler } from '../../core/jobs/in-process-scheduler.js';
import type { Scheduler } from '../../core/jobs/scheduler.js';
import { BACKENDS, FAST, inMs, observe, quietLogger, recorder, schedulersPerTest, waitFor } from '../helpers/scheduler.js';

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`Scheduler contract: ${backend.name}`, () => {
    const { make } = schedulersPerTest(backend.make, backend.cleanup);
    /** Schedules a key due after everything else in the test and waits until it fires: all earlier wake-ups have had their chance. */
    const fence = async (s: Scheduler, rec: ReturnType<typeof recorder>, ms: number) => {
      await s.schedule('fence', inMs(ms));
      await waitFor(() => rec.count('fence') > 0, ms + 5000, 'the fence');
    };

    test('fires once, at or after its due time', async () => {
      const s = make();
      const rec = recorder();
      await s.start(rec.handler);
      const at = inMs(200);
      await s.schedule('sla:1', at);
      await waitFor(() => rec.count('sla:1') > 0, 5000, 'sla:1');
      const fired = rec.first('sla:1');
      expect(fired?.dueAt).toBe(at.getTime());
      expect(fired?.at).toBeGreaterThanOrEqual(at.getTime());
      expect(fired?.at).toBeLessThan(at.getTime() + 2000);
      await fence(s, rec, 100);
      expect(rec.count('sla:1')).toBe(1);
      expect(await s.pending()).toBe(0);
    });

    test('a time in the past fires promptly, with the time asked for', async () => {
      const s = make();
      const rec = recorder();
      await s.start(rec.handler);
      const at = new Date(Date.now() - 60_000);
      const asked = Date.now();
      await s.schedule('sla:past', at);
      await waitFor(() => rec.count('sla:past') > 0, 5000, 'sla:past');
      expect(rec.first('sla:past')?.dueAt).toBe(at.getTime());
      expect(rec.first('sla:past')?.at).toBeLessThan(asked + 1000);
    });

    test('wake-ups scheduled before start() fire after it', async () => {
      const s = make();
      const rec = recorder();
      await s.schedule('sla:early', inMs(-10));
      await s.start(rec.handler);
      await waitFor(() => rec.count('sla:early') > 0, 5000, 'sla:early');
    });

    test('rescheduling to a later time fires only at the later time', async () => {
      const s = make();
      const rec = recorder();
      await s.start(rec.handler);
      await s.schedule('sla:2', inMs(100));
      const later = inMs(400);
      await s.schedule('sla:2', later);
      await waitFor(() => rec.count('sla:2') > 0, 5000, 'sla:2');
      expect(rec.first('sla:2')?.at).toBeGreaterThanOrEqual(later.getTime());
      expect(rec.first('sla:2')?.dueAt).toBe(later.getTime());
      await fence(s, rec, 100);
      expect(rec.count('sla:2')).toBe(1);
    });

    test('rescheduling to an earlier time fires at the earlier time, once', async () => {
      const s = make();
      const rec = recorder();
      await s.start(rec.handler);
      const first = inMs(600);
      await s.schedule('sla:3', first);
      const earlier = inMs(100);
      await s.schedule('sla:3', earlier);
      await waitFor(() => rec.count('sla:3') > 0, 5000, 'sla:3');
      expect(rec.first('sla:3')?.at).toBeGreaterThanOrEqual(earlier.getTime());
      expect(rec.first('sla:3')?.at).toBeLessThan(first.getTime());
      await fence(s, rec, first.getTime() - Date.now() + 200);
      expect(rec.count('sla:3')).toBe(1);
    });

    test('the same key and time scheduled twice gives one wake-up', async () => {
      const s = make();
      const rec = recorder();
      await s.start(rec.handler);
      const at = inMs(150);
      await s.schedule('sla:4', at);
      await s.schedule('sla:4', at);
      await Promise.all([s.schedule('sla:4', at), s.schedule('sla:4', at)]);
      expect(await s.pending()).toBe(1);
      await fence(s, rec, 400);
      expect(rec.count('sla:4')).toBe(1);
    });

    test('a cancelled wake-up never fires; cancelling an unknown key is a no-op', async () => {
      const s = make();
      const rec = recorder();
      await s.start(rec.handler);
      await s.schedule('sla:5', inMs(100));
      await s.cancel('sla:5');
      await s.cancel('sla:never-scheduled');
      expect(await s.pending()).toBe(0);
      await fence(s, rec, 350);
      expect(rec.count('sla:5')).toBe(0);
    });

    test('a throwing handler is retried with backoff, then succeeds', async () => {
      const logger = quietLogger();
      const s = make({ ...FAST, logger });
      let failuresLeft = 2;
      const rec = recorder(async () => {
        if (failuresLeft-- > 0) throw new Error('database briefly unavailable');
      });
      await s.start(rec.handler);
      const at = inMs(50);
      await s.schedule('sla:6', at);
      await waitFor(async () => rec.count('sla:6') === 3 && (await s.pending()) === 0, 5000, 'the third attempt to succeed');
      const attempts = rec.fired.filter((f) => f.key === 'sla:6');
      expect(attempts.every((f) => f.dueAt === at.getTime())).toBe(true);
      // Backoff 50 ms then 100 ms: the attempts are spread out, not back to back.
      expect((attempts[2]?.at ?? 0) - (attempts[0]?.at ?? 0)).toBeGreaterThanOrEqual(140);
      expect(logger.warnings).toHaveLength(2);
      expect(logger.errors).toHaveLength(0);
    });

    test('a handler that keeps failing is given up after the last attempt and logged', async () => {
      const logger = quietLogger();
      const s = make({ ...FAST, logger, retry: { attempts: 2, backoffMs: 20 } });
      const rec = recorder(async () => {
        throw new Error('always broken');
      });
      await s.start(rec.handler);
      await s.schedule('sla:7', inMs(0));
      await waitFor(() => logger.errors.length > 0, 5000, 'the give-up log');
      expect(rec.count('sla:7')).toBe(2);
      await waitFor(async () => (await s.pending()) === 0, 2000, 'the key to be dropped');
    });

    test('a reschedule while the handler runs gives a second wake-up after the first finishes', async () => {
      const s = make();
      let release = () => {};
      const running = new Promise<void>((resolve) => {
        release = resolve;
      });
      const finished: number[] = [];
      const rec = recorder(async () => {
        if (rec.count('sla:8') === 1) await running;
        finished.push(Date.now());
      });
      await s.start(rec.handler);
      await s.schedule('sla:8', inMs(0));
      await waitFor(() => rec.count('sla:8') === 1, 5000, 'the first delivery');
      const again = inMs(100);
      await s.schedule('sla:8', again);
      await observe(200); // past `again`: a second delivery must wait for the first to finish
      expect(rec.count('sla:8')).toBe(1);
      release();
      await waitFor(() => rec.count('sla:8') === 2, 5000, 'the second delivery');
      expect(rec.fired[1]?.dueAt).toBe(again.getTime());
      expect(rec.fired[1]?.at).toBeGreaterThanOrEqual(finished[0] ?? Number.POSITIVE_INFINITY);
      await waitFor(async () => (await s.pending()) === 0, 2000, 'nothing pending');
    });

    test('reschedule and cancel also win over wake-ups already due but queued behind busy handlers', async () => {
      const s = make({ ...FAST, concurrency: 1 });
      let release = () => {};
      const busy = new Promise<void>((resolve) => {
        release = resolve;
      });
      const rec = recorder(async (key) => {
        if (key === 'busy') await busy;
      });
      await s.start(rec.handler);
      await s.schedule('busy', inMs(0));
      await waitFor(() => rec.count('busy') === 1, 5000, 'the busy handler');
      await s.schedule('sla:moved', inMs(0));
      await s.schedule('sla:dropped', inMs(0));
      await observe(100); // both are now due and waiting for the single slot
      const later = inMs(300);
      await s.schedule('sla:moved', later);
      await s.cancel('sla:dropped');
      release();
      await waitFor(() => rec.count('sla:moved') === 1, 5000, 'sla:moved');
      expect(rec.first('sla:moved')?.at).toBeGreaterThanOrEqual(later.getTime());
      await fence(s, rec, 100);
      expect(rec.count('sla:moved')).toBe(1);
      expect(rec.count('sla:dropped')).toBe(0);
    });

    test('after stop() nothing fires', async () => {
      const s = make();
      const rec = recorder();
      await s.start(rec.handler);
      await s.schedule('sla:9', inMs(150));
      await s.stop();
      await observe(400);
      expect(rec.fired).toHaveLength(0);
    });

    test('1,000 keys with spread due times each fire exactly once, never early', async () => {
      const s = make({ ...FAST, concurrency: 50 });
      const rec = recorder();
      await s.start(rec.handler);
      const keys = Array.from({ length: 1000 }, (_, i) => `sla:${i}`);
      const base = Date.now() + 100;
      await Promise.all(keys.map((key, i) => s.schedule(key, new Date(base + (i % 100) * 10))));
      await waitFor(() => rec.fired.length >= 1000, 15_000, '1,000 wake-ups');
      await fence(s, rec, 100);
      const counts = new Map<string, number>();
      for (const f of rec.fired) counts.set(f.key, (counts.get(f.key) ?? 0) + 1);
      expect(keys.filter((k) => counts.get(k) !== 1)).toEqual([]);
      expect(rec.fired.filter((f) => f.at < f.dueAt)).toEqual([]);
      expect(await s.pending()).toBe(0);
    });

    test('a wake-up weeks away (beyond the 2^31 ms a Node timer can wait) does not fire now', async () => {
      const s = make();
      const rec = recorder();
      await s.start(rec.handler);
      await s.schedule('sla:far', inMs(30 * 24 * 3600 * 1000));
      await fence(s, rec, 150);
      expect(rec.count('sla:far')).toBe(0);
      expect(await s.pending()).toBe(1);
    });

    test('pending() counts keys waiting, once per key', async () => {
      const s = make();
      const rec = recorder();
      await s.start(rec.handler);
      expect(await s.pending()).toBe(0);
      await s.schedule('a', inMs(60_000));
      await s.schedule('b', inMs(60_000));
      await s.schedule('b', inMs(90_000));
      await s.schedule('c', inMs(50));
      expect(await s.pending()).toBe(3);
      await s.cancel('a');
      expect(await s.pending()).toBe(2);
      await waitFor(async () => rec.count('c') === 1 && (await s.pending()) === 1, 5000, 'c to fire');
    });
  });
}

describe('InProcessScheduler', () => {
  test('10,000 pending keys are cheap to schedule, reschedule and cancel', async () => {
    const s = new InProcessScheduler(FAST);
    const rec = recorder();
    await s.start(rec.handler);
    const started = performance.now();
    for (let i = 0; i < 10_000; i++) await s.schedule(`sla:${i}`, inMs(60_000 + i));
    for (let i = 0; i < 10_000; i += 2) await s.schedule(`sla:${i}`, inMs(120_000 + i));
    for (let i = 0; i < 10_000; i += 3) await s.cancel(`sla:${i}`);
    const elapsed = performance.now() - started;
    expect(await s.pending()).toBe(10_000 - Math.ceil(10_000 / 3));
    expect(elapsed).toBeLessThan(1000); // about 100 ms here; the bound only catches quadratic behaviour
    await s.schedule('now', inMs(0));
    await waitFor(() => rec.count('now') === 1, 1000, 'a due key among 10,000 far ones');
    expect(rec.fired).toHaveLength(1);
    await s.stop();
  });
});
