// BullMQ across processes: wake-ups outlive the process that scheduled them, a killed worker's running
// wake-up is taken over, and two workers share one queue without handling anything twice.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import type { BullmqScheduler } from '../../core/jobs/bullmq-scheduler.js';
import { type BullmqTestOptions, bullmqIn, FAST, inMs, obliterateBullmq, REDIS_URL, recorder, schedulersPerTest, waitFor } from '../helpers/scheduler.js';

describe.skipIf(!REDIS_URL)('BullmqScheduler across processes', () => {
  const { make, ns } = schedulersPerTest<BullmqScheduler, BullmqTestOptions>(bullmqIn, obliterateBullmq);

  test('a wake-up scheduled by one instance is fired by another started later', async () => {
    const first = make();
    const firstRec = recorder();
    await first.start(firstRec.handler);
    const at = inMs(300);
    await first.schedule('sla:restart', at);
    await first.stop();

    const second = make();
    const rec = recorder();
    await second.start(rec.handler);
    await waitFor(() => rec.count('sla:restart') === 1, 5000, 'the second instance to fire it');
    expect(rec.first('sla:restart')?.at).toBeGreaterThanOrEqual(at.getTime());
    expect(firstRec.fired).toHaveLength(0);
  });

  test('a delayed wake-up survives its worker process being SIGKILLed', async () => {
    const module = fileURLToPath(new URL('../../core/jobs/bullmq-scheduler.ts', import.meta.url));
    const script = `
      const { BullmqScheduler } = await import(${JSON.stringify(module)});
      const s = new BullmqScheduler({ redisUrl: ${JSON.stringify(REDIS_URL)}, queueName: 'wake-${ns()}', prefix: 'tbtest-${ns()}' });
      await s.start(async (key) => console.log('fired ' + key));
      await s.schedule('sla:killed', new Date(Date.now() + 600));
      console.log('scheduled');`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    await waitFor(() => output.includes('scheduled'), 15_000, 'the child to schedule');
    const killedAt = Date.now();
    child.kill('SIGKILL');
    await once(child, 'exit');

    const s = make();
    const rec = recorder();
    await s.start(rec.handler);
    await waitFor(() => rec.count('sla:killed') === 1, 5000, 'the wake-up after the kill');
    expect(output).not.toContain('fired');
    expect(rec.first('sla:killed')?.dueAt).toBeGreaterThan(killedAt - 1000);
  });

  test('a wake-up running in a worker that is SIGKILLed is taken over by another worker within about two lock periods', async () => {
    const module = fileURLToPath(new URL('../../core/jobs/bullmq-scheduler.ts', import.meta.url));
    // The child takes the job and never finishes it (as if killed mid-job), holding a 1 s lock.
    const script = `
      const { BullmqScheduler } = await import(${JSON.stringify(module)});
      const s = new BullmqScheduler({ redisUrl: ${JSON.stringify(REDIS_URL)}, queueName: 'wake-${ns()}', prefix: 'tbtest-${ns()}', lockMs: 1000 });
      await s.start((key) => { console.log('running ' + key); return new Promise(() => {}); });
      await s.schedule('sla:stuck', new Date(Date.now() + 100));`;
    const survivor = make({ ...FAST, lockMs: 1000 });
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    await waitFor(() => output.includes('running sla:stuck'), 15_000, 'the child to start the wake-up');
    // The survivor starts only now, so the child was the one to take the job.
    const rec = recorder();
    await survivor.start(rec.handler);
    const killedAt = Date.now();
    child.kill('SIGKILL');
    await once(child, 'exit');
    // BullMQ's default lock (30 s) would take 30–60 s here.
    await waitFor(() => rec.count('sla:stuck') === 1, 6000, 'the survivor to take over the stalled wake-up');
    expect(Date.now() - killedAt).toBeLessThan(6000);
  });

  test('two workers on one queue: each wake-up is handled once, by one of them', async () => {
    const a = make({ ...FAST, concurrency: 5 });
    const b = make({ ...FAST, concurrency: 5 });
    const recA = recorder();
    const recB = recorder();
    await a.start(recA.handler);
    await b.start(recB.handler);
    const keys = Array.from({ length: 200 }, (_, i) => `sla:${i}`);
    const base = Date.now() + 100;
    await Promise.all(keys.map((key, i) => (i % 2 ? a : b).schedule(key, new Date(base + (i % 30) * 10))));
    await waitFor(() => recA.fired.length + recB.fired.length >= 200, 10_000, '200 wake-ups');
    await a.schedule('fence', inMs(200));
    await waitFor(() => recA.count('fence') + recB.count('fence') === 1, 5000, 'the fence');
    const all = [...recA.fired, ...recB.fired].filter((f) => f.key !== 'fence');
    expect(all).toHaveLength(200);
    expect(new Set(all.map((f) => f.key)).size).toBe(200);
  });
});
