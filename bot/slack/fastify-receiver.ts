// A Bolt receiver on the web channel's server (HTTP mode): it takes /slack/events from Node's HTTP server
// before Fastify routes it (`intercept`), and from a Fastify route for injected requests (`mount`); both
// go through one handler. It acknowledges before Bolt runs: a
// request is verified (HMAC v0 signature, timestamp within 5 minutes), parsed, recorded in the inbox
// together with the requests that arrived with it (one write per few milliseconds of a burst: a group
// commit), and only then answered "200", so nothing Slack was told we have is lost if the process dies.
// Bolt's middleware and listeners run once the burst has settled. Bolt's own HTTPReceiver runs the
// middleware chain up to the listener's ack() before answering, so under a burst each ack also waited
// for the Bolt processing of every request ahead of it (bench/slack-ack.ts). Only requests whose ack
// carries an answer (a modal submission's validation errors, options for an external select) wait for
// their listener's ack. Listeners here always ack first and answer through respond()/chat.postMessage.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AckFn, App, Receiver, ReceiverEvent } from '@slack/bolt';
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../logger.js';
import { urlPath } from '../url-path.js';
import { ANSWERED_BY_LISTENER, ackIfRecordIsSlow, UNRECORDED } from './inbox.js';
import { type Body, fastifyReply, header, nodeReply, parseBody, type SlackHttpReply, type SlackHttpRequest } from './receiver-http.js';
import { signatureProblem } from './signature.js';

/** A listener that never acks one of those is answered empty after this long (Slack gives up at 3 s). */
const LISTENER_ACK_TIMEOUT_MS = 2_500;
const QUIET_MS = 5;
const MAX_HOLD_MS = 250;
/**
 * A group's write waits while requests keep arriving, one event-loop turn at a time, for at most this
 * long after its first request. Node accepts one new connection per event-loop turn, so a burst on new
 * connections arrives one request per turn; writing each as its own group (synchronous on SQLite) made
 * every turn, and so every accept, that much slower (docs/benchmarks.md).
 */
const GATHER_MS = 10;
const BODY_LIMIT = 4 * 1024 * 1024;

export class FastifyReceiver implements Receiver {
  private app: App | undefined;
  /** Requests acknowledged whose Bolt processing has not finished. */
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly opts: {
      signingSecret: string;
      path: string;
      logger: Logger;
      /**
       * Records a group of verified requests before they are acknowledged: per body, the context
       * properties to process it with, or null to skip it (recorded before: a redelivery).
       */
      record?: ((bodies: Body[]) => Promise<(Record<string, unknown> | null)[]>) | undefined;
      /** Runs a recorded request through Bolt (default: `app.processEvent`). */
      process?: ((app: App, event: ReceiverEvent) => Promise<void>) | undefined;
      /** How long a group's write may wait for requests still arriving (default GATHER_MS). */
      gatherMs?: number | undefined;
    },
  ) {}

  init(app: App): void {
    this.app = app;
  }

  /** The web server listens: nothing to start or stop here. */
  async start(): Promise<void> {}
  async stop(): Promise<void> {
    await this.idle();
  }

  /** Waits until every request taken so far has been processed by Bolt. */
  async idle(): Promise<void> {
    while (this.pending.size || this.unrecorded.length) {
      // Requests waiting for their group's write are in `pending` once the write starts (next turn).
      if (this.pending.size) await Promise.allSettled([...this.pending]);
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Serves the path on the web server (call before it listens); `intercept` takes the same requests sooner. */
  mount(web: FastifyInstance): void {
    // An encapsulated scope keeps the raw body: the signature is over the exact bytes.
    void web.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, body, done) => done(null, body));
      scope.post(this.opts.path, (request, reply) => {
        const raw = Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
        this.handle({ raw, headers: request.headers, ip: () => request.ip }, fastifyReply(reply));
        return reply;
      });
    });
  }

  /**
   * Takes the Slack path's requests straight from Node's HTTP server, before Fastify routes them (the web
   * server's `intercept`): under a burst of 200, Fastify's per-request work was ~0.2 ms of the ~0.3 ms
   * each request costs before it can be acknowledged (docs/benchmarks.md). Returns false for any other
   * request. Requests injected into Fastify (no socket) still reach the route `mount` adds.
   */
  intercept(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'POST') return false;
    if (urlPath(req.url) !== this.opts.path) return false;
    // Too large: answered at once, and the connection closed rather than read to the end.
    const tooLarge = () => {
      req.removeAllListeners('data');
      if (!res.headersSent) res.writeHead(413, { connection: 'close', 'content-length': '0' }).end();
    };
    if (Number(req.headers['content-length'] ?? 0) > BODY_LIMIT) {
      tooLarge();
      return true;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT) {
        chunks.length = 0;
        tooLarge();
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > BODY_LIMIT) return;
      const raw = chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8');
      const reply = nodeReply(res);
      try {
        this.handle({ raw, headers: req.headers, ip: () => req.socket.remoteAddress }, reply);
      } catch (err) {
        this.opts.logger.error({ err }, 'Slack request failed before its ack');
        reply.send(500);
      }
    });
    req.on('error', () => res.destroy());
    return true;
  }

  private handle(request: SlackHttpRequest, reply: SlackHttpReply): void {
    const { raw, headers } = request;
    const problem = signatureProblem(this.opts.signingSecret, raw, header(headers, 'x-slack-signature'), header(headers, 'x-slack-request-timestamp'));
    if (problem) {
      this.opts.logger.warn({ reason: problem, ip: request.ip() }, 'Slack request refused: bad signature or timestamp');
      reply.send(401);
      return;
    }
    let body: Body;
    try {
      body = parseBody(raw, header(headers, 'content-type'));
    } catch {
      reply.send(400);
      return;
    }
    if (body['ssl_check'] === '1' || body['type'] === 'url_verification') {
      reply.send(200, body['type'] === 'url_verification' ? { challenge: body['challenge'] } : undefined);
      return;
    }

    const retry = header(headers, 'x-slack-retry-num');
    const event: Omit<ReceiverEvent, 'ack'> = {
      body,
      ...(retry ? { retryNum: Number.parseInt(retry, 10) } : {}),
      ...(header(headers, 'x-slack-retry-reason') ? { retryReason: header(headers, 'x-slack-retry-reason') } : {}),
    };
    if (!ANSWERED_BY_LISTENER.has(String(body['type']))) {
      const acknowledge = () => {
        if (!reply.sent) reply.send(200);
      };
      this.recordThen(
        body,
        (customProperties) => {
          acknowledge();
          if (customProperties) void this.process({ ...event, ack: this.lateAck(body), customProperties });
        },
        acknowledge,
      );
      return;
    }
    // The listener's ack answers the request.
    let answered = false;
    const answer = (response?: unknown) => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      try {
        if (response === undefined || response === '') reply.send(200);
        else if (typeof response === 'string') reply.send(200, response);
        else reply.send(200, response as Record<string, unknown>);
      } catch (err) {
        this.opts.logger.error({ err }, 'Slack listener answer could not be sent');
        reply.send(500);
      }
    };
    const timer = setTimeout(() => {
      this.opts.logger.warn({ type: body['type'] }, 'Slack listener did not ack in time: answered empty');
      answer();
    }, LISTENER_ACK_TIMEOUT_MS);
    const ack: AckFn<unknown> = async (response) => answer(response);
    this.recordThen(body, (customProperties) => {
      if (!customProperties) return answer();
      void this.process({ ...event, ack, customProperties }).finally(() => answer());
    });
  }

  /** The ack of an early-acknowledged request: already sent; an answer given to it is logged, not lost silently. */
  private lateAck(body: Body): AckFn<unknown> {
    return async (response) => {
      if (response !== undefined && response !== '') {
        this.opts.logger.warn({ type: body['type'] ?? body['command'] }, 'Slack ack answer ignored: this request was acknowledged on arrival');
      }
    };
  }

  /**
   * A connection was accepted on the web server. Node accepts at most one connection per event-loop turn,
   * so under a burst the connections still waiting to be accepted come in one per turn, each with its
   * request already sent: they count as arrivals, so that neither a group's gathering nor the hand-over to
   * Bolt (whose work makes every turn long) takes the turn they need. Any connection counts (a web
   * channel's too), but only while Slack requests wait, and within the same bounds as requests: a group
   * is written at most GATHER_MS after it began, a request goes to Bolt at most MAX_HOLD_MS after its ack.
   */
  connected(): void {
    this.arrivals++;
    this.holdDrain();
  }

  /** Requests verified and waiting to be recorded (then acknowledged); whether a group is being written. */
  private readonly unrecorded: { body: Body; recorded: (customProperties: Record<string, unknown> | null) => void }[] = [];
  private writing = false;
  /** Arrivals so far (requests verified, connections accepted); how many at the group's last look, and when the group began. */
  private arrivals = 0;
  private gatherSeen = 0;
  private gatherSince = 0;

  /**
   * Records the request with the others of its group, then calls `then` with the context properties to
   * process it with, or null when it was recorded before (a redelivery: acknowledge only). Group commit:
   * what arrives while a group is being written is written together next, so a burst costs a few writes,
   * not one each. If the inbox cannot be written, the request is worked on unrecorded rather than refused.
   * `overdue` runs if the request is not recorded RECORD_ACK_BOUND_MS after it arrived, whether its own
   * group is slow or it waits behind one (`then` still runs when its record ends).
   */
  private recordThen(body: Body, then: (customProperties: Record<string, unknown> | null) => void, overdue?: () => void): void {
    const deadline = overdue && ackIfRecordIsSlow(this.opts.logger, overdue, () => ({ waiting: this.unrecorded.length }));
    this.arrivals++;
    this.holdDrain();
    this.unrecorded.push({
      body,
      recorded: (customProperties) => {
        clearTimeout(deadline);
        then(customProperties);
      },
    });
    if (!this.writing && this.unrecorded.length === 1) this.scheduleGroup(true);
  }

  /**
   * The next group's write, on a later turn of the event loop. A group that begins while nothing is
   * being written gathers: it is written once a turn has passed with no new request (a lone request
   * waits one extra turn), or GATHER_MS after it began. One that formed during a write is written next.
   */
  private scheduleGroup(gather: boolean): void {
    this.gatherSince = gather ? performance.now() : Number.NEGATIVE_INFINITY;
    this.gatherSeen = -1;
    setImmediate(() => this.recordGroup());
  }

  private recordGroup(): void {
    if (this.writing || !this.unrecorded.length) return;
    // Still arriving (a request or connection came in since the last look): one more turn, up to GATHER_MS after the group began.
    if (this.arrivals !== this.gatherSeen && performance.now() - this.gatherSince < (this.opts.gatherMs ?? GATHER_MS)) {
      this.gatherSeen = this.arrivals;
      setImmediate(() => this.recordGroup());
      return;
    }
    this.writing = true;
    const group = this.unrecorded.splice(0);
    const record = this.opts.record ?? (async (bodies: Body[]) => bodies.map(() => ({})));
    const taken = record(group.map((g) => g.body))
      .catch((err: unknown) => {
        this.opts.logger.warn({ err }, 'could not record Slack deliveries; working on them unrecorded');
        return group.map(() => ({ [UNRECORDED]: true }));
      })
      .then((recorded) => {
        for (const [i, entry] of group.entries()) entry.recorded(recorded[i] ?? null);
      })
      .finally(() => {
        this.pending.delete(taken);
        this.writing = false;
        if (this.unrecorded.length) this.scheduleGroup(false);
      });
    this.pending.add(taken);
  }

  /** Requests acknowledged and waiting for Bolt, the timer that hands them over, and the hand-over under way. */
  private readonly queued: { event: ReceiverEvent; done: () => void; at: number }[] = [];
  private drainTimer: NodeJS.Timeout | undefined;
  private draining: NodeJS.Immediate | undefined;

  /**
   * Runs Bolt once the burst has settled: the queued requests are handed over once no other request or
   * connection has arrived for QUIET_MS, or once the oldest has waited MAX_HOLD_MS. Until then the thread only
   * records and acknowledges, so every request of a burst is answered before any of them is worked on.
   * What arrives while a hand-over is under way joins it.
   */
  private process(event: ReceiverEvent): Promise<void> {
    const run = new Promise<void>((resolve) => {
      this.queued.push({ event, done: resolve, at: performance.now() });
      if (!this.draining) this.holdDrain();
    }).finally(() => this.pending.delete(run));
    this.pending.add(run);
    return run;
  }

  /**
   * (Re)starts the quiet period before the queued requests go to Bolt: an arrival (a request or a
   * connection) pauses a hand-over under way too, so that a new burst is acknowledged before the rest of the last one is
   * worked on (on SQLite each hand-over runs its queries on this thread). Once the oldest queued request
   * has waited MAX_HOLD_MS, arrivals no longer pause or delay the hand-over: a steady stream cannot stall it.
   */
  private holdDrain(): void {
    const oldest = this.queued[0];
    if (!oldest) return;
    const left = oldest.at + MAX_HOLD_MS - performance.now();
    if (left <= 0 && (this.draining || this.drainTimer)) return;
    if (this.draining) clearImmediate(this.draining);
    this.draining = undefined;
    clearTimeout(this.drainTimer);
    // The hand-over starts in the check phase of the turn the timer fires in, after that turn's I/O: a
    // connection accepted or a request read there holds it again (a timer callback runs before I/O).
    this.drainTimer = setTimeout(
      () => {
        this.drainTimer = undefined;
        this.draining = setImmediate(() => this.drain());
      },
      Math.max(0, Math.min(QUIET_MS, left)),
    );
  }

  /**
   * Hands the queued requests to Bolt one per event-loop turn: each start runs Bolt's middleware up to its
   * first real I/O, and starting them all in one turn kept the thread from reading (and acknowledging)
   * requests that arrived meanwhile for as long as that took (~0.5 ms each, 100 ms for a burst of 200).
   */
  private drain(): void {
    const app = this.app;
    if (!app) throw new Error('FastifyReceiver used before Bolt initialised it');
    this.draining = undefined;
    this.drainTimer = undefined;
    const next = this.queued.shift();
    if (!next) return;
    (this.opts.process ? this.opts.process(app, next.event) : app.processEvent(next.event))
      .catch((err: unknown) => this.opts.logger.error({ err }, 'Slack request failed after its ack'))
      .finally(next.done);
    if (this.queued.length) this.draining = setImmediate(() => this.drain());
  }
}
