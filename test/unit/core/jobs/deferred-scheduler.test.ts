import { describe, expect, test } from 'vitest';
import { DeferredScheduler } from '../../../../core/jobs/deferred-scheduler.js';
import { InProcessScheduler } from '../../../../core/jobs/in-process-scheduler.js';

describe('DeferredScheduler', () => {
  test('builds the scheduler on first use, once, and delegates to it', async () => {
    let builds = 0;
    const inner = new InProcessScheduler();
    const scheduler = new DeferredScheduler('in-process', async () => {
      builds++;
      return inner;
    });
    expect(builds).toBe(0);
    await Promise.all([scheduler.schedule('a', new Date(Date.now() + 60_000)), scheduler.schedule('b', new Date(Date.now() + 60_000))]);
    expect(builds).toBe(1);
    expect(await inner.pending()).toBe(2);
    await scheduler.cancel('a');
    expect(await scheduler.pending()).toBe(1);
    const woken: string[] = [];
    await scheduler.start(async (key) => {
      woken.push(key);
    });
    await scheduler.schedule('c', new Date(0));
    await expect.poll(() => woken).toEqual(['c']);
    await scheduler.stop();
  });

  test('a failed build is thrown to the caller and tried again by the next call', async () => {
    let builds = 0;
    const scheduler = new DeferredScheduler('bullmq', async () => {
      builds++;
      if (builds === 1) throw new Error('redis: bad URL');
      return new InProcessScheduler();
    });
    await expect(scheduler.schedule('a', new Date())).rejects.toThrow('redis: bad URL');
    await scheduler.schedule('a', new Date(Date.now() + 60_000));
    expect(await scheduler.pending()).toBe(1);
    expect(builds).toBe(2);
    await scheduler.stop();
  });

  test('stopping one never used builds nothing; using it after stop fails', async () => {
    let builds = 0;
    const scheduler = new DeferredScheduler('bullmq', async () => {
      builds++;
      return new InProcessScheduler();
    });
    await scheduler.stop();
    expect(builds).toBe(0);
    await expect(scheduler.schedule('a', new Date())).rejects.toThrow('scheduler stopped');
  });

  test('one that was built and stopped still takes the re-arms of handlers finishing, but is not started again', async () => {
    const inner = new InProcessScheduler();
    const scheduler = new DeferredScheduler('in-process', async () => inner);
    await scheduler.start(async () => {});
    await scheduler.stop();
    await scheduler.schedule('a', new Date(Date.now() + 60_000));
    expect(await inner.pending()).toBe(1);
    await expect(scheduler.start(async () => {})).rejects.toThrow('scheduler stopped');
  });
});
