// Socket Mode with the inbox first: Bolt's SocketModeReceiver hands each envelope to the app, which
// acknowledges events before any middleware runs, so a process that died in the next few milliseconds
// lost an event Slack would not send again. Here every envelope is recorded in the inbox before the
// app sees it (and so before anything can acknowledge it), as the HTTP receiver does.
import { type App, type ReceiverEvent, SocketModeReceiver, type SocketModeReceiverOptions } from '@slack/bolt';
import type { Logger } from '../logger.js';
import { ANSWERED_BY_LISTENER, ackIfRecordIsSlow, UNRECORDED } from './inbox.js';

type Body = Record<string, unknown>;

export interface RecordingSocketOptions extends SocketModeReceiverOptions {
  /** Records deliveries; per body the custom properties to process it with, or null for a redelivery. */
  record: (bodies: Body[]) => Promise<(Record<string, unknown> | null)[]>;
  /** Runs a recorded envelope through Bolt. */
  process: (app: App, event: ReceiverEvent) => Promise<void>;
  log: Logger;
}

export class RecordingSocketModeReceiver extends SocketModeReceiver {
  readonly #record: RecordingSocketOptions['record'];
  readonly #process: RecordingSocketOptions['process'];
  readonly #log: Logger;
  /** Envelopes being recorded or worked on: shutdown waits for them before the database closes. */
  readonly #pending = new Set<Promise<void>>();

  constructor({ record, process, log, ...options }: RecordingSocketOptions) {
    super(options);
    this.#record = record;
    this.#process = process;
    this.#log = log;
  }

  /** The app as the receiver sees it: the real one, except that `processEvent` records first. */
  override init(app: App): void {
    const deliver = (event: ReceiverEvent) => this.#track(this.#deliver(app, event));
    super.init(new Proxy(app, { get: (target, key, receiver) => (key === 'processEvent' ? deliver : Reflect.get(target, key, receiver)) }));
  }

  /** Disconnects, then waits for the envelopes already taken (their acks may no longer reach Slack, which then resends: a redelivery, acknowledged only). */
  override async stop(): Promise<void> {
    await super.stop();
    await this.idle();
  }

  /** Resolves once every envelope taken so far is recorded and worked on. */
  async idle(): Promise<void> {
    while (this.#pending.size) await Promise.allSettled([...this.#pending]);
  }

  #track(work: Promise<void>): Promise<void> {
    this.#pending.add(work);
    return work.finally(() => this.#pending.delete(work));
  }

  async #deliver(app: App, event: ReceiverEvent): Promise<void> {
    let acked = false;
    const ack = async (response?: unknown) => {
      if (acked) {
        // Acknowledged early because the record was slow: as over HTTP, an answer given now is logged, not lost silently.
        if (response !== undefined && response !== '')
          this.#log.warn({ type: event.body['type'] }, 'Slack ack answer ignored: this envelope was acknowledged early');
        return;
      }
      acked = true;
      try {
        await event.ack(response as never);
      } catch (err) {
        // Disconnected (shutting down): Slack resends the envelope, which is then a recorded redelivery.
        this.#log.debug({ err }, 'could not acknowledge a Slack envelope');
      }
    };
    // As over HTTP, a slow record does not hold the ack (except where the ack carries the listener's answer).
    const slow = ANSWERED_BY_LISTENER.has(String(event.body['type'])) ? undefined : ackIfRecordIsSlow(this.#log, () => void ack());
    let recorded: Record<string, unknown> | null | undefined;
    try {
      [recorded] = await this.#record([event.body]);
    } catch (err) {
      // As over HTTP: if the inbox cannot be written, the delivery is worked on unrecorded, not refused.
      this.#log.warn({ err }, 'could not record a Slack delivery; working on it unrecorded');
      recorded = { [UNRECORDED]: true };
    } finally {
      clearTimeout(slow);
    }
    // Recorded before: a redelivery (Slack resends what it saw no ack for). Acknowledge only.
    if (recorded === null) return ack();
    await this.#process(app, { ...event, ack, customProperties: { ...event.customProperties, ...recorded } });
  }
}
