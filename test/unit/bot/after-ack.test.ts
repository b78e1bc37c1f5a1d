import { describe, expect, test } from 'vitest';
import { AfterAck, afterAck } from '../../../bot/after-ack.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('AfterAck: work after the ack, a few requests at a time', () => {
  test('no more than `concurrency` requests work at once; every one runs', async () => {
    const queue = new AfterAck(2);
    let working = 0;
    let most = 0;
    const done: number[] = [];
    await Promise.all(
      Array.from({ length: 7 }, (_, i) =>
        queue.handle(async () => {
          // Before afterAck() (the ack itself) nothing is limited.
          await afterAck();
          working++;
          most = Math.max(most, working);
          await tick();
          working--;
          done.push(i);
        }),
      ),
    );
    expect(most).toBe(2);
    expect(done.sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  test('a failing request frees its slot', async () => {
    const queue = new AfterAck(1);
    const first = queue.handle(async () => {
      await afterAck();
      throw new Error('boom');
    });
    await expect(first).rejects.toThrow('boom');
    const second = queue.handle(async () => {
      await afterAck();
      return 'ran';
    });
    await expect(second).resolves.toBe('ran');
  });

  test('a request that never calls afterAck takes no slot', async () => {
    const queue = new AfterAck(1);
    let release!: () => void;
    const holder = queue.handle(async () => {
      await afterAck();
      await new Promise<void>((r) => {
        release = r;
      });
    });
    await tick();
    await expect(queue.handle(async () => 'acked only')).resolves.toBe('acked only');
    release();
    await holder;
  });

  test('the ack leaves before the work: a response written before afterAck() is flushed first', async () => {
    const order: string[] = [];
    const queue = new AfterAck(1);
    await queue.handle(async () => {
      process.nextTick(() => order.push('response flushed (next tick)'));
      await afterAck();
      order.push('work');
    });
    expect(order).toEqual(['response flushed (next tick)', 'work']);
  });
});
