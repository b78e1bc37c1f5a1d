// A Bolt receiver on the web channel's Fastify server (HTTP mode). It acknowledges before Bolt runs: a
// request is verified (HMAC v0 signature, timestamp within 5 minutes), parsed, recorded in the inbox
// together with the requests that arrived with it (one write per few milliseconds of a burst: a group
// commit), and only then answered "200", so nothing Slack was told we have is lost if the process dies.
// Bolt's middleware and listeners run once the burst has settled. Bolt's own HTTPReceiver runs the
// middleware chain up to the listener's ack() before answering, so under a burst each ack also waited
// for the Bolt processing of every request ahead of it (bench/slack-ack.ts). Only requests whose ack
// carries an answer (a modal submission's validation errors, options for an external select) wait for
// their listener's ack. Listeners here always ack first and answer through respond()/chat.postMessage.
import { parse } from 'node:querystring';
import { type AckFn, type App, type Receiver, type ReceiverEvent, verifySlackRequest } from '@slack/bolt';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../logger.js';
import { ANSWERED_BY_LISTENER, ackIfRecordIsSlow, UNRECORDED } from './inbox.js';

/** A listener that never acks one of those is answered empty after this long (Slack gives up at 3 s). */
const LISTENER_ACK_TIMEOUT_MS = 2_500;
const QUIET_MS = 5;
const MAX_HOLD_MS = 250;
const BODY_LIMIT = 4 * 1024 * 1024;

type Body = Record<string, unknown>;

function header(request: FastifyRequest, name: string): string {
  const v = request.headers[name];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

/** Slack's body: form-encoded (commands; interactions as a JSON `payload` field) or JSON (events). */
function parseBody(raw: string, contentType: string): Body {
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    const form = parse(raw);
    return typeof form['payload'] === 'string' ? (JSON.parse(form['payload']) as Body) : (form as Body);
  }
  return JSON.parse(raw) as Body;
}

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

  /** Serves the path on the web server (call before it listens). */
  mount(web: FastifyInstance): void {
    // An encapsulated scope keeps the raw body: the signature is over the exact bytes.
    void web.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, body, done) => done(null, body));
      scope.post(this.opts.path, (request, reply) => this.handle(request, reply));
    });
  }

  private handle(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const raw = Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
    try {
      verifySlackRequest({
        signingSecret: this.opts.signingSecret,
        body: raw,
        headers: {
          'x-slack-signature': header(request, 'x-slack-signature'),
          'x-slack-request-timestamp': Number(header(request, 'x-slack-request-timestamp')),
        },
      });
    } catch (err) {
      this.opts.logger.warn({ err: (err as Error).message, ip: request.ip }, 'Slack request refused: bad signature or timestamp');
      return reply.code(401).send();
    }
    let body: Body;
    try {
      body = parseBody(raw, header(request, 'content-type'));
    } catch {
      return reply.code(400).send();
    }
    if (body['ssl_check'] === '1') return reply.code(200).send();
    if (body['type'] === 'url_verification') return reply.code(200).send({ challenge: body['challenge'] });

    const retry = header(request, 'x-slack-retry-num');
    const event: Omit<ReceiverEvent, 'ack'> = {
      body,
      ...(retry ? { retryNum: Number.parseInt(retry, 10) } : {}),
      ...(header(request, 'x-slack-retry-reason') ? { retryReason: header(request, 'x-slack-retry-reason') } : {}),
    };
    if (!ANSWERED_BY_LISTENER.has(String(body['type']))) {
      const acknowledge = () => {
        if (!reply.sent) reply.code(200).send();
      };
      this.recordThen(
        body,
        (customProperties) => {
          acknowledge();
          if (customProperties) void this.process({ ...event, ack: this.lateAck(body), customProperties });
        },
        acknowledge,
      );
      return reply;
    }
    // The listener's ack answers the request.
    let answered = false;
    const answer = (response?: unknown) => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      if (response === undefined || response === '') reply.code(200).send();
      else if (typeof response === 'string') reply.code(200).type('text/plain; charset=utf-8').send(response);
      else reply.code(200).send(response);
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
    return reply;
  }

  /** The ack of an early-acknowledged request: already sent; an answer given to it is logged, not lost silently. */
  private lateAck(body: Body): AckFn<unknown> {
    return async (response) => {
      if (response !== undefined && response !== '') {
        this.opts.logger.warn({ type: body['type'] ?? body['command'] }, 'Slack ack answer ignored: this request was acknowledged on arrival');
      }
    };
  }

  /** Requests verified and waiting to be recorded (then acknowledged); whether a group is being written. */
  private readonly unrecorded: { body: Body; recorded: (customProperties: Record<string, unknown> | null) => void }[] = [];
  private writing = false;

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
    this.unrecorded.push({
      body,
      recorded: (customProperties) => {
        clearTimeout(deadline);
        then(customProperties);
      },
    });
    if (!this.writing && this.unrecorded.length === 1) setImmediate(() => this.recordGroup());
  }

  private recordGroup(): void {
    if (this.writing || !this.unrecorded.length) return;
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
        if (this.unrecorded.length) setImmediate(() => this.recordGroup());
      });
    this.pending.add(taken);
  }

  /** Requests acknowledged and waiting for Bolt, the timer that hands them over, and the hand-over under way. */
  private readonly queued: { event: ReceiverEvent; done: () => void }[] = [];
  private drainTimer: NodeJS.Timeout | undefined;
  private draining: NodeJS.Immediate | undefined;
  private oldestQueuedAt = 0;

  /**
   * Runs Bolt once the burst has settled: a request's processing starts when no other request has
   * arrived for QUIET_MS, or at most MAX_HOLD_MS after it was acknowledged. Until then the thread only
   * records and acknowledges, so every request of a burst is answered before any of them is worked on.
   * What arrives while a hand-over is under way joins it.
   */
  private process(event: ReceiverEvent): Promise<void> {
    const run = new Promise<void>((resolve) => {
      if (!this.queued.length) this.oldestQueuedAt = performance.now();
      this.queued.push({ event, done: resolve });
      if (this.draining) return;
      const wait = Math.max(0, Math.min(QUIET_MS, this.oldestQueuedAt + MAX_HOLD_MS - performance.now()));
      clearTimeout(this.drainTimer);
      this.drainTimer = setTimeout(() => this.drain(), wait);
    }).finally(() => this.pending.delete(run));
    this.pending.add(run);
    return run;
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
    const next = this.queued.shift();
    if (!next) return;
    (this.opts.process ? this.opts.process(app, next.event) : app.processEvent(next.event))
      .catch((err: unknown) => this.opts.logger.error({ err }, 'Slack request failed after its ack'))
      .finally(next.done);
    if (this.queued.length) this.draining = setImmediate(() => this.drain());
  }
}
