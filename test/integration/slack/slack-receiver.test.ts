// The HTTP receiver's contract with Slack: acknowledge first, work after; answer Slack's checks; refuse
// what cannot be read without touching anything.
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { FastifyReceiver } from '../../../bot/slack/fastify-receiver.js';
import { freshSqlite } from '../../helpers/databases.js';
import { eventually, SIGNING_SECRET, SLACK_USERS, type SlackTestApp, startSlackApp } from '../../helpers/slack-app.js';
import { slackSignature, slashCommand } from '../../helpers/slack-requests.js';

describe('Slack HTTP receiver', () => {
  let s: SlackTestApp;
  beforeEach(async () => {
    s = await startSlackApp(freshSqlite());
  });
  afterEach(async () => {
    await s.close();
  });

  test('a command is acknowledged before its listener runs, and the listener still runs after', async () => {
    const bolt = s.app.slack?.bolt;
    if (!bolt) throw new Error('Slack adapter not started');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const seen: string[] = [];
    bolt.command('/slow', async ({ command, ack }) => {
      seen.push(`start ${command.text}`);
      await gate;
      await ack();
      seen.push(`end ${command.text}`);
    });
    const res = await s.post(slashCommand({ command: '/slow', text: 'one', userId: SLACK_USERS.lin, responseUrl: s.fake.responseUrl('slow') }));
    // Slack has its answer while the listener is still held at the gate.
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    await eventually(async () => seen.includes('start one'));
    expect(seen).toEqual(['start one']);
    release();
    await s.idle();
    expect(seen).toEqual(['start one', 'end one']);
  });

  test('the receiver hears of every connection the web server accepts (they hold the hand-over to Bolt)', async () => {
    const receiver = (s.app.slack?.bolt as unknown as { receiver?: unknown } | undefined)?.receiver;
    if (!(receiver instanceof FastifyReceiver)) throw new Error('not the HTTP receiver');
    const connected = vi.spyOn(receiver, 'connected');
    const { port } = new URL(s.base);
    const sockets = await Promise.all(
      [0, 1, 2].map(
        () =>
          new Promise<ReturnType<typeof connect>>((resolve, reject) => {
            const socket = connect(Number(port), '127.0.0.1', () => resolve(socket));
            socket.once('error', reject);
          }),
      ),
    );
    try {
      await eventually(async () => connected.mock.calls.length === 3);
    } finally {
      for (const socket of sockets) socket.destroy();
    }
  });

  test("Slack's SSL check is answered without running anything", async () => {
    const res = await s.post({ body: new URLSearchParams({ ssl_check: '1', token: 'x' }).toString(), contentType: 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(200);
    await s.idle();
    expect(s.fake.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
  });

  test('a correctly signed body that is not JSON is refused with 400 and nothing is written', async () => {
    const res = await s.post({ body: '{"type":"event_callback",', contentType: 'application/json' });
    expect(res.status).toBe(400);
    await s.idle();
    expect(await s.app.deps.tickets.listTickets({})).toEqual([]);
    expect(s.fake.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
  });
  test('a correctly signed body that is JSON but not an object is refused with 400, and the app keeps serving', async () => {
    for (const body of ['null', '[1]', '"x"']) expect((await s.post({ body, contentType: 'application/json' })).status).toBe(400);
    const form = await s.post({ body: new URLSearchParams({ payload: 'null' }).toString(), contentType: 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(400);
    const ok = await s.post({ body: new URLSearchParams({ ssl_check: '1', token: 'x' }).toString(), contentType: 'application/x-www-form-urlencoded' });
    expect(ok.status).toBe(200);
    expect(await s.app.deps.tickets.listTickets({})).toEqual([]);
  });

  test('the same request injected into the web framework (its route, not the fast path) is handled the same way', async () => {
    const post = slashCommand({ text: 'new 快递三天没更新了', userId: SLACK_USERS.customer, responseUrl: s.fake.responseUrl('inj') });
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = { 'content-type': post.contentType, 'x-slack-request-timestamp': String(timestamp) };
    const forged = await s.app.web.inject({ method: 'POST', url: '/slack/events', headers: { ...headers, 'x-slack-signature': 'v0=00' }, payload: post.body });
    expect(forged.statusCode).toBe(401);
    const res = await s.app.web.inject({
      method: 'POST',
      url: '/slack/events',
      headers: { ...headers, 'x-slack-signature': slackSignature(SIGNING_SECRET, timestamp, post.body) },
      payload: post.body,
    });
    expect(res.statusCode).toBe(200);
    await eventually(async () => (await s.app.deps.tickets.listTickets({})).length === 1);
    await s.idle();
    expect((await s.app.deps.tickets.listTickets({}))[0]?.description).toContain('快递三天没更新了');
  });

  test('the fast path refuses a body over 4 MB at once with 413 and closes the connection; its requests are in the HTTP metrics', async () => {
    const { port } = new URL(s.base);
    // Declared too large: answered before the body is read (Fastify's route would answer with a JSON error).
    const declared = await rawPost(Number(port), { 'content-length': String(5 * 1024 * 1024) }, ['{"type":"event_callback"']);
    expect(declared).toMatchObject({ status: 413, connection: 'close', body: '' });
    // Chunked, no length: answered as soon as the limit is passed.
    const chunked = await rawPost(
      Number(port),
      { 'transfer-encoding': 'chunked' },
      Array.from({ length: 5 }, () => 'x'.repeat(1024 * 1024)),
    );
    expect(chunked).toMatchObject({ status: 413, connection: 'close', body: '' });
    const ok = await s.post({ body: new URLSearchParams({ ssl_check: '1', token: 'x' }).toString(), contentType: 'application/x-www-form-urlencoded' });
    expect(ok.status).toBe(200);
    const metrics = await (await fetch(`${s.base}/metrics`)).text();
    expect(metrics).toMatch(/^ticketbot_http_request_duration_seconds_count\{route="\/slack\/events",method="POST",status="200"\} 1$/m);
    expect(metrics).toMatch(/^ticketbot_http_request_duration_seconds_count\{route="\/slack\/events",method="POST",status="413"\} 2$/m);
    expect(await s.app.deps.tickets.listTickets({})).toEqual([]);
    // The server Fastify would have built keeps its settings (idle keep-alive connections live 72 s).
    expect(s.app.web.server.keepAliveTimeout).toBe(72_000);
  });
});

/** A POST to /slack/events written piece by piece; resolves with the answer (the body may never be sent whole). */
function rawPost(port: number, headers: Record<string, string>, pieces: string[]): Promise<{ status: number; connection: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { port, host: '127.0.0.1', method: 'POST', path: '/slack/events', headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => {
          body += d.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: String(res.headers.connection), body }));
      },
    );
    req.on('error', () => {}); // the server closes while the client still writes: expected
    setTimeout(() => reject(new Error('no answer')), 5_000).unref();
    for (const piece of pieces) req.write(piece);
  });
}
