// The HTTP receiver's group commit: requests are recorded in groups before their ack, one write at a
// time. (Several writes at once on PostgreSQL measured worse under a burst of 200: docs/benchmarks.md.)
// A group gathers while requests keep arriving turn after turn (Node accepts one new connection per
// event-loop turn, so a burst on new connections arrives that way), and the hand-over to Bolt pauses
// while requests or connections arrive.

import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App, ReceiverEvent } from '@slack/bolt';
import { pino } from 'pino';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { FastifyReceiver } from '../../../bot/slack/fastify-receiver.js';
import { postToSlack, slackSignature, slashCommand } from '../../helpers/slack-requests.js';

const SECRET = 'groups-secret';
type Body = Record<string, unknown>;
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A receiver whose record() is held until released, one gate per write. By default every request is
 * "recorded before" (acknowledged, not processed); `processed` makes them new and hands them to `process`.
 */
function gatedReceiver(opts: { gatherMs?: number; process?: (event: ReceiverEvent) => Promise<void> } = {}) {
  const writes: { bodies: Body[]; release: () => void }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const receiver = new FastifyReceiver({
    signingSecret: SECRET,
    path: '/slack/events',
    logger: pino({ level: 'silent' }),
    gatherMs: opts.gatherMs,
    ...(opts.process ? { process: (_app: App, event: ReceiverEvent) => opts.process?.(event) ?? Promise.resolve() } : {}),
    record: async (bodies) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise<void>((release) => writes.push({ bodies, release }));
      inFlight--;
      return bodies.map(() => (opts.process ? {} : null));
    },
  });
  receiver.init({} as App);
  return { receiver, writes, maxInFlight: () => maxInFlight };
}

/** A receiver that records every request as new and notes when each is handed to Bolt (`onProcess` runs then too). */
function recordingReceiver(onProcess?: (calls: number[]) => void) {
  const calls: number[] = [];
  const receiver = new FastifyReceiver({
    signingSecret: SECRET,
    path: '/slack/events',
    logger: pino({ level: 'silent' }),
    record: async (bodies) => bodies.map(() => ({})),
    process: async () => {
      calls.push(performance.now());
      onProcess?.(calls);
    },
  });
  receiver.init({} as App);
  return { receiver, calls };
}

/** A signed request handed straight to `intercept`, as Node's HTTP server would; resolves with its answer's status. */
function deliver(receiver: FastifyReceiver, i: number): Promise<number> {
  const post = slashCommand({ text: `new ${i}`, userId: 'U1', responseUrl: 'https://example.invalid/r' });
  const ts = Math.floor(Date.now() / 1000);
  const req = Object.assign(new EventEmitter(), {
    method: 'POST',
    url: '/slack/events',
    headers: {
      'content-type': post.contentType,
      'content-length': String(Buffer.byteLength(post.body)),
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': slackSignature(SECRET, ts, post.body),
    },
    socket: { remoteAddress: '127.0.0.1' },
  });
  return new Promise((resolve) => {
    let status = 0;
    const res = {
      headersSent: false,
      writeHead(code: number) {
        status = code;
        return res;
      },
      end() {
        res.headersSent = true;
        resolve(status);
      },
    };
    expect(receiver.intercept(req as unknown as IncomingMessage, res as unknown as ServerResponse)).toBe(true);
    req.emit('data', Buffer.from(post.body));
    req.emit('end');
  });
}

/** A receiver on a bare Node server whose record() is held until released, one gate per write. */
async function start() {
  const { receiver, writes, maxInFlight } = gatedReceiver();
  // Requests whose body has been read: the receiver's own 'end' listener (added first) has queued them.
  let read = 0;
  const server = createServer((req, res) => {
    if (!receiver.intercept(req, res)) res.writeHead(404).end();
    req.on('end', () => read++);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const post = (i: number) => postToSlack(base, SECRET, slashCommand({ text: `new ${i}`, userId: 'U1', responseUrl: 'https://example.invalid/r' }));
  return { writes, server, post, read: () => read, maxInFlight };
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

  test('a group gathers while requests arrive turn after turn, and a lone request waits one extra turn, not a timer', async () => {
    const r = gatedReceiver({ gatherMs: 60_000 });
    const acks: Promise<number>[] = [];
    for (let i = 0; i < 5; i++) {
      acks.push(deliver(r.receiver, i));
      await turn();
    }
    expect(r.writes).toHaveLength(0); // a request arrived on every turn so far
    await turn();
    expect(r.writes.map((w) => w.bodies.length)).toEqual([5]);
    r.writes[0]?.release();
    expect(await Promise.all(acks)).toEqual([200, 200, 200, 200, 200]);

    const lone = deliver(r.receiver, 5);
    await turn();
    expect(r.writes).toHaveLength(1);
    await turn();
    expect(r.writes.map((w) => w.bodies.length)).toEqual([5, 1]);
    r.writes[1]?.release();
    expect(await lone).toBe(200);
  });

  test('gathering is bounded: with a request on every turn, the group is written gatherMs after it began', async () => {
    const r = gatedReceiver({ gatherMs: 20 });
    const started = performance.now();
    const acks: Promise<number>[] = [];
    while (!r.writes.length && performance.now() - started < 5_000) {
      acks.push(deliver(r.receiver, acks.length));
      await turn();
    }
    expect(r.writes).toHaveLength(1);
    expect(performance.now() - started).toBeGreaterThanOrEqual(19);
    // Every request delivered so far, the last one included (it arrived on the turn the bound ran out).
    expect(acks.length).toBeGreaterThan(1);
    expect(r.writes[0]?.bodies).toHaveLength(acks.length);
    r.writes[0]?.release();
    expect(new Set(await Promise.all(acks))).toEqual(new Set([200]));
  });

  test('a group formed during a write is written on the first turn after it, without gathering', async () => {
    const r = gatedReceiver({ gatherMs: 60_000 });
    const acks = [deliver(r.receiver, 0)];
    await turn();
    await turn();
    expect(r.writes).toHaveLength(1);
    for (let i = 1; i < 4; i++) {
      acks.push(deliver(r.receiver, i));
      await turn();
    }
    r.writes[0]?.release();
    await turn(); // the write settles (its callbacks queue the next group's turn)
    await turn();
    expect(r.writes.map((w) => w.bodies.length)).toEqual([1, 3]);
    r.writes[1]?.release();
    expect(await Promise.all(acks)).toEqual([200, 200, 200, 200]);
  });

  test('a request arriving while acknowledged requests are handed to Bolt pauses the hand-over for the quiet period', async () => {
    const calls: number[] = [];
    let arrivedAt = 0;
    let late: Promise<number> | undefined;
    const r = gatedReceiver({
      process: async () => {
        calls.push(performance.now());
        if (calls.length === 1) {
          // The next request arrives on the next turn, while the rest of the burst waits to be handed over.
          setImmediate(() => {
            arrivedAt = performance.now();
            late = deliver(r.receiver, 99);
          });
        }
      },
    });
    const acks = [0, 1, 2].map((i) => deliver(r.receiver, i));
    await vi.waitFor(() => expect(r.writes).toHaveLength(1));
    r.writes[0]?.release();
    expect(await Promise.all(acks)).toEqual([200, 200, 200]);
    await vi.waitFor(() => expect(r.writes).toHaveLength(2));
    r.writes[1]?.release();
    expect(await late).toBe(200);
    await vi.waitFor(() => expect(calls).toHaveLength(4));
    // Without the pause the second hand-over ran on the turn after the first (well under 0.1 ms).
    expect((calls[1] ?? 0) - arrivedAt).toBeGreaterThanOrEqual(2);
    await r.receiver.idle();
  });

  test('connections accepted one per turn hold the hand-over to Bolt until a quiet period passes with none', async () => {
    const { receiver, calls } = recordingReceiver();
    const delivered = performance.now();
    expect(await Promise.all([0, 1, 2].map((i) => deliver(receiver, i)))).toEqual([200, 200, 200]);
    // The rest of a burst, still being accepted: one connection a turn for 20 ms (well past the quiet period).
    const started = performance.now();
    const sent: number[] = [];
    while (performance.now() - started < 20) {
      receiver.connected();
      sent.push(performance.now());
      await turn();
    }
    await receiver.idle();
    expect(calls).toHaveLength(3);
    // The hand-over began only after a quiet period with no connection (a loaded machine may miss turns
    // for that long mid-stream). Timers run on the loop's cached whole-millisecond clock: 2, not 5.
    // Unless the oldest had waited its 250 ms by then (a very loaded machine): the bound wins.
    const first = calls[0] ?? 0;
    const before = sent.filter((at) => at < first);
    if (first - delivered < 250) expect(first - (before.at(-1) ?? started)).toBeGreaterThanOrEqual(2);
  });
  test('a connection accepted while acknowledged requests are handed to Bolt pauses the hand-over', async () => {
    let connectedAt = 0;
    const { receiver, calls } = recordingReceiver((calls) => {
      if (calls.length === 1) {
        setImmediate(() => {
          connectedAt = performance.now();
          receiver.connected();
        });
      }
    });
    expect(await Promise.all([0, 1, 2].map((i) => deliver(receiver, i)))).toEqual([200, 200, 200]);
    await receiver.idle();
    expect(calls).toHaveLength(3);
    // Without the pause the second hand-over ran on the turn after the first.
    expect((calls[1] ?? 0) - connectedAt).toBeGreaterThanOrEqual(2);
  });
  test('a steady stream of requests cannot stall the hand-over: the oldest goes to Bolt once it has waited 250 ms', async () => {
    const { receiver, calls } = recordingReceiver();
    const started = performance.now();
    const acks: Promise<number>[] = [];
    const sent: number[] = [];
    // A request on every turn: each one pauses the hand-over, until the bound.
    while (calls.length < 5 && performance.now() - started < 5_000) {
      sent.push(performance.now());
      acks.push(deliver(receiver, acks.length));
      await turn();
    }
    expect(calls.length).toBeGreaterThanOrEqual(5);
    // The first hand-over waits for the bound, unless the stream itself paused for the quiet period
    // (a loaded machine can miss turns for 5 ms): then it may start once that pause began + 5 ms.
    const first = calls[0] ?? 0;
    const pause = sent.findIndex((at, i) => at < first && Math.min(sent[i + 1] ?? Number.POSITIVE_INFINITY, first) - at >= 5);
    const earliest = Math.min(started + 240, pause < 0 ? Number.POSITIVE_INFINITY : (sent[pause] ?? 0) + 5);
    expect(first).toBeGreaterThanOrEqual(earliest);
    expect(new Set(await Promise.all(acks))).toEqual(new Set([200]));
    await receiver.idle();
    expect(calls).toHaveLength(acks.length);
  });
});
