import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs, readBody } from './fake-slack-request.js';
import { type Failure, formatTs, type Message, parseTs, type Reply, str, TS_BASE, TS_STEP, truthy } from './fake-slack-values.js';

/*
 * A local fake of the Slack Web API for tests: POST /api/<method> on 127.0.0.1, plus response_url
 * endpoints. The real WebClient (Bolt's `client`) talks to it through `clientOptions.slackApiUrl`.
 * It keeps a small per-channel message store so history/replies/update behave like Slack, and records
 * every call so tests can assert on what left the process.
 */

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  token: string | undefined;
  at: number;
  /** The JSON body the fake answered with (for failNext calls, the failure body). */
  response: Record<string, unknown>;
}

export interface FakeSlackUser {
  id: string;
  name: string;
  real_name?: string;
  tz?: string;
  locale?: string;
  is_bot?: boolean;
}

interface Waiter {
  method: string;
  predicate: ((c: SlackCall) => boolean) | undefined;
  resolve: (c: SlackCall) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

// Keep real timers even if a test installs fake ones after importing this module.
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

export class FakeSlack {
  readonly apiUrl: string;
  readonly calls: SlackCall[] = [];
  readonly botUserId: string;
  readonly botId: string;
  readonly teamId: string;

  private readonly baseUrl: string;
  private readonly channels = new Map<string, Message[]>();
  private readonly users = new Map<string, FakeSlackUser>();
  private readonly failures = new Map<string, { failure: Failure; remaining: number }[]>();
  private waiters: Waiter[] = [];
  private lastTs = TS_BASE;
  private viewSeq = 0;
  /** Socket Mode: the WebSocket URL `apps.connections.open` hands out (see fake-slack-socket.ts). */
  socketUrl: string | undefined;

  private constructor(
    private readonly server: Server,
    baseUrl: string,
    ids: { botUserId: string; botId: string; teamId: string },
  ) {
    this.baseUrl = baseUrl;
    this.apiUrl = `${baseUrl}/api/`;
    this.botUserId = ids.botUserId;
    this.botId = ids.botId;
    this.teamId = ids.teamId;
  }

  static async start(opts: { botUserId?: string; botId?: string; teamId?: string } = {}): Promise<FakeSlack> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const fake = new FakeSlack(server, `http://127.0.0.1:${port}`, {
      botUserId: opts.botUserId ?? 'U0BOT',
      botId: opts.botId ?? 'B0BOT',
      teamId: opts.teamId ?? 'T0TEAM',
    });
    server.on('request', (req, res) => {
      fake.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`fake-slack: ${err instanceof Error ? err.message : String(err)}`);
      });
    });
    return fake;
  }

  callsTo(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  waitFor(method: string, predicate?: (c: SlackCall) => boolean, timeoutMs = 5000): Promise<SlackCall> {
    const found = this.calls.find((c) => c.method === method && (!predicate || predicate(c)));
    if (found) return Promise.resolve(found);
    return new Promise<SlackCall>((resolve, reject) => {
      const waiter: Waiter = {
        method,
        predicate,
        resolve,
        reject,
        timer: realSetTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          const seen = this.calls.map((c) => c.method);
          const matching = this.callsTo(method).length;
          reject(
            new Error(
              `FakeSlack.waitFor('${method}'${predicate ? ', predicate' : ''}) timed out after ${timeoutMs}ms; ` +
                `${matching} call(s) to ${method}${predicate ? ' did not match the predicate' : ''}; ` +
                `methods seen in order: ${seen.length ? seen.join(', ') : '(none)'}`,
            ),
          );
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  addMessage(channel: string, msg: { user?: string; text: string; ts?: string; thread_ts?: string; bot_id?: string }): string {
    const ts = msg.ts ?? this.nextTs();
    this.bumpTs(ts);
    const stored: Message = { type: 'message', ts, text: msg.text };
    if (msg.user !== undefined) stored['user'] = msg.user;
    if (msg.bot_id !== undefined) stored['bot_id'] = msg.bot_id;
    if (msg.thread_ts !== undefined) stored.thread_ts = msg.thread_ts;
    this.store(channel, stored);
    return ts;
  }

  messages(channel: string): Record<string, unknown>[] {
    return (this.channels.get(channel) ?? []).map((m) => structuredClone(m));
  }

  responseUrl(id: string): string {
    return `${this.baseUrl}/response/${encodeURIComponent(id)}`;
  }

  failNext(method: string, failure: { error?: string; status?: number }, times = 1): void {
    const list = this.failures.get(method) ?? [];
    list.push({ failure, remaining: times });
    this.failures.set(method, list);
  }

  addUser(user: FakeSlackUser): void {
    this.users.set(user.id, user);
  }

  async close(): Promise<void> {
    for (const w of this.waiters) {
      realClearTimeout(w.timer);
      w.reject(new Error(`FakeSlack closed while waiting for ${w.method}`));
    }
    this.waiters = [];
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // --- internals ---

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const raw = await readBody(req);
    let method: string;
    let args: Record<string, unknown>;
    let token: string | undefined;
    if (url.pathname.startsWith('/api/')) {
      method = decodeURIComponent(url.pathname.slice('/api/'.length));
      args = await parseArgs(req, raw);
      const auth = req.headers.authorization;
      token = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : str(args['token']);
      delete args['token'];
    } else if (url.pathname.startsWith('/response/')) {
      method = 'response_url';
      args = { ...(await parseArgs(req, raw)), _id: decodeURIComponent(url.pathname.slice('/response/'.length)) };
      token = undefined;
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }

    const reply = this.takeFailure(method) ?? { status: 200, body: this.dispatch(method, args) };
    const call: SlackCall = { method, args, token, at: Date.now(), response: reply.body };
    this.record(call);
    res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...reply.headers });
    res.end(JSON.stringify(reply.body));
  }

  private record(call: SlackCall): void {
    this.calls.push(call);
    for (const w of [...this.waiters]) {
      if (w.method !== call.method || (w.predicate && !w.predicate(call))) continue;
      realClearTimeout(w.timer);
      this.waiters = this.waiters.filter((x) => x !== w);
      w.resolve(call);
    }
  }

  private takeFailure(method: string): Reply | undefined {
    const list = this.failures.get(method);
    const next = list?.[0];
    if (!list || !next) return undefined;
    next.remaining -= 1;
    if (next.remaining <= 0) list.shift();
    const { error, status } = next.failure;
    const body = { ok: false, error: error ?? (status === 429 ? 'ratelimited' : status ? `http_${status}` : 'fatal_error') };
    if (status === 429) return { status, body, headers: { 'retry-after': '0' } };
    return { status: status ?? 200, body };
  }

  private nextTs(): string {
    this.lastTs += TS_STEP;
    return formatTs(this.lastTs);
  }

  private bumpTs(ts: string): void {
    const n = parseTs(ts);
    if (n > this.lastTs) this.lastTs = n;
  }

  /** Insert keeping ts order, and maintain Slack's thread bookkeeping on the parent. */
  private store(channel: string, msg: Message): void {
    const list = this.channels.get(channel) ?? [];
    this.channels.set(channel, list);
    const n = parseTs(msg.ts);
    const idx = list.findIndex((m) => parseTs(m.ts) > n);
    if (idx === -1) list.push(msg);
    else list.splice(idx, 0, msg);
    if (msg.thread_ts && msg.thread_ts !== msg.ts) {
      const parent = list.find((m) => m.ts === msg.thread_ts);
      if (parent) {
        parent.thread_ts = parent.ts;
        parent['reply_count'] = Number(parent['reply_count'] ?? 0) + 1;
        const who = str(msg['user']);
        const users = new Set((parent['reply_users'] as string[] | undefined) ?? []);
        if (who) users.add(who);
        parent['reply_users'] = [...users];
        parent['reply_users_count'] = users.size;
        const latest = str(parent['latest_reply']);
        if (!latest || parseTs(latest) < n) parent['latest_reply'] = msg.ts;
      }
    }
  }

  private dispatch(method: string, args: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://fake.slack/',
          team: 'Fake Team',
          user: 'ticketbot',
          team_id: this.teamId,
          user_id: this.botUserId,
          bot_id: this.botId,
          is_enterprise_install: false,
        };
      case 'chat.postMessage':
        return this.postMessage(args);
      case 'chat.update':
        return this.update(args);
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.nextTs() };
      case 'chat.getPermalink': {
        const channel = str(args['channel']);
        const ts = str(args['message_ts']);
        if (!channel) return { ok: false, error: 'channel_not_found' };
        if (!ts) return { ok: false, error: 'message_not_found' };
        return { ok: true, channel, permalink: `https://fake.slack/archives/${channel}/p${ts.replace('.', '')}` };
      }
      case 'conversations.history':
        return this.history(args);
      case 'conversations.replies':
        return this.replies(args);
      case 'users.info':
        return this.userInfo(args);
      case 'views.open':
      case 'views.update':
      case 'views.push':
        return this.view(method, args);
      case 'reactions.add':
        return { ok: true };
      case 'apps.connections.open':
        return this.socketUrl ? { ok: true, url: this.socketUrl } : { ok: false, error: 'not_allowed_token_type' };
      case 'response_url':
        return { ok: true };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  private postMessage(args: Record<string, unknown>): Record<string, unknown> {
    const channel = str(args['channel']);
    if (!channel) return { ok: false, error: 'channel_not_found' };
    const ts = this.nextTs();
    const message: Message = { type: 'message', ts, text: str(args['text']) ?? '', bot_id: this.botId, user: this.botUserId };
    for (const key of ['blocks', 'attachments', 'metadata'] as const) if (args[key] !== undefined) message[key] = args[key];
    const threadTs = str(args['thread_ts']);
    if (threadTs) message.thread_ts = threadTs;
    this.store(channel, message);
    return { ok: true, channel, ts, message: structuredClone(message) };
  }

  private update(args: Record<string, unknown>): Record<string, unknown> {
    const channel = str(args['channel']);
    const ts = str(args['ts']);
    const list = channel ? this.channels.get(channel) : undefined;
    if (!channel || !list) return { ok: false, error: 'channel_not_found' };
    const message = list.find((m) => m.ts === ts);
    if (!message || !ts) return { ok: false, error: 'message_not_found' };
    // Like Slack, omitted fields keep their previous value.
    for (const key of ['text', 'blocks', 'attachments', 'metadata'] as const) if (args[key] !== undefined) message[key] = args[key];
    message['edited'] = { user: this.botUserId, ts: this.nextTs() };
    return { ok: true, channel, ts, text: message['text'], message: structuredClone(message) };
  }

  private history(args: Record<string, unknown>): Record<string, unknown> {
    const channel = str(args['channel']);
    const list = channel ? this.channels.get(channel) : undefined;
    if (!list) return { ok: false, error: 'channel_not_found' };
    const latestArg = str(args['latest']);
    const oldestArg = str(args['oldest']);
    const latest = latestArg ? parseTs(latestArg) : Number.POSITIVE_INFINITY;
    const oldest = oldestArg ? parseTs(oldestArg) : 0;
    const inclusive = truthy(args['inclusive']);
    const inRange = (m: Message): boolean => {
      const n = parseTs(m.ts);
      return inclusive ? n >= oldest && n <= latest : n > oldest && n < latest;
    };
    const all = list.filter((m) => (!m.thread_ts || m.thread_ts === m.ts) && inRange(m)).reverse();
    return this.page(all, args);
  }

  private replies(args: Record<string, unknown>): Record<string, unknown> {
    const channel = str(args['channel']);
    const list = channel ? this.channels.get(channel) : undefined;
    if (!list) return { ok: false, error: 'channel_not_found' };
    const ts = str(args['ts']);
    const anchor = list.find((m) => m.ts === ts);
    if (!anchor) return { ok: false, error: 'thread_not_found' };
    const rootTs = anchor.thread_ts ?? anchor.ts;
    const root = list.find((m) => m.ts === rootTs);
    const thread = list.filter((m) => m.thread_ts === rootTs && m.ts !== rootTs);
    return this.page(root ? [root, ...thread] : thread, args);
  }

  /** limit + cursor pagination (cursor is an opaque offset). */
  private page(all: Message[], args: Record<string, unknown>): Record<string, unknown> {
    const limitArg = Number(str(args['limit']) ?? 100);
    const limit = Number.isFinite(limitArg) && limitArg > 0 ? limitArg : 100;
    const cursor = str(args['cursor']);
    const start = cursor ? Number(Buffer.from(cursor, 'base64').toString('utf8').replace('offset:', '')) || 0 : 0;
    const messages = all.slice(start, start + limit).map((m) => structuredClone(m));
    const hasMore = start + limit < all.length;
    const nextCursor = hasMore ? Buffer.from(`offset:${start + limit}`).toString('base64') : '';
    return { ok: true, messages, has_more: hasMore, response_metadata: { next_cursor: nextCursor } };
  }

  private userInfo(args: Record<string, unknown>): Record<string, unknown> {
    const id = str(args['user']);
    if (!id) return { ok: false, error: 'user_not_found' };
    const known = this.users.get(id);
    const user = known ?? { id, name: id.toLowerCase(), real_name: id, tz: 'Asia/Shanghai' };
    const realName = user.real_name ?? user.name;
    return {
      ok: true,
      user: {
        team_id: this.teamId,
        deleted: false,
        is_bot: false,
        ...user,
        real_name: realName,
        profile: { real_name: realName, display_name: user.name },
      },
    };
  }

  private view(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const view = args['view'];
    if (typeof view !== 'object' || view === null) return { ok: false, error: 'invalid_arguments' };
    if (method !== 'views.update' && !args['trigger_id'] && !args['interactivity_pointer']) return { ok: false, error: 'invalid_arguments' };
    const existing = method === 'views.update' ? str(args['view_id']) : undefined;
    this.viewSeq += 1;
    return { ok: true, view: { id: existing ?? `V${this.viewSeq}`, ...view } };
  }
}
