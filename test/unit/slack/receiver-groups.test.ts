// The HTTP receiver's group commit: requests are recorded in groups before their ack, one write at a
// time. (Several writes at once on PostgreSQL measured worse under a burst of 200: docs/benchmarks.md.)
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { FastifyReceiver } from '../../../bot/slack/fastify-receiver.js';
import { postToSlack, slashCommand } from '../../helpers/slack-requests.js';

const SECRET = 'groups-secret';
type Body = Record<string, unknown>;

/** A receiver on a bare Node server whose record() is held until released, one gate per write. */
async function start() {
  const writes: { bodies: Body[]; release: () => void }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const receiver = new FastifyReceiver({
    signingSecret: SECRET,
    path: '/slack/events',
    logger: pino({ level: 'silent' }),
    record: async (bodies) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise<void>((release) => writes.push({ bodies, release }));
      inFlight--;
      return bodies.map(() => null); // "recorded before": acknowledged, not processed (no Bolt app here)
    },
  });
  // Requests whose body has been read: the receiver's own 'end' listener (added first) has queued them.
  let read = 0;
  const server = createServer((req, res) => {
    if (!receiver.intercept(req, res)) res.writeHead(404).end();
    req.on('end', () => read++);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const post = (i: number) => postToSlack(base, SECRET, slashCommand({ text: `new ${i}`, userId: 'U1', responseUrl: 'https://example.invalid/r' }));
  return { writes, server, post, read: () => read, maxInFlight: () => maxInFlight };
}

/** Until `check` holds, then one more turn of the event loop (a group forms on the turn after its first request). */
async function until(check: () => boolean): Promise<void> {
  await vi.waitFor(() => expect(check()).toBe(true));
  await new Promise((resolve) => setImmediate(resolve));
}

describe('Slack receiver group commit', () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.close();
  });

  test('one write at a time: what arrives meanwhile is written together next, and every request is acknowledged once', async () => {
    const r = await start();
    server = r.server;
    const first = r.post(0);
    await until(() => r.writes.length === 1);
    const rest = [1, 2, 3].map((i) => r.post(i));
    await until(() => r.read() === 4);
    expect(r.writes).toHaveLength(1); // the three wait behind the first write
    r.writes[0]?.release();
    await until(() => r.writes.length === 2);
    expect(r.writes[1]?.bodies).toHaveLength(3);
    r.writes[1]?.release();
    const answers = await Promise.all([first, ...rest]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(r.maxInFlight()).toBe(1);
  });
});
