// Socket Mode with the inbox first: Bolt's SocketModeReceiver hands each envelope to the app, which
// acknowledges events before any middleware runs, so a process that died in the next few milliseconds
// lost an event Slack would not send again. Here every envelope is recorded in the inbox before the
// app sees it (and so before anything can acknowledge it), as the HTTP receiver does.
import { type App, type ReceiverEvent, SocketModeReceiver, type SocketModeReceiverOptions } from '@slack/bolt';
import type { Logger } from '../logger.js';

type Body = Record<string, unknown>;

export interface RecordingSocketOptions extends SocketModeReceiverOptions {
  /** Records deliveries; per body the custom properties to process it with, or null for a redelivery. */
  record: (bodies: Body[]) => Promise<(Record<string, unknown> | null)[]>;
  log: Logger;
}

export class RecordingSocketModeReceiver extends SocketModeReceiver {
  readonly #record: RecordingSocketOptions['record'];
  readonly #log: Logger;

  constructor({ record, log, ...options }: RecordingSocketOptions) {
    super(options);
    this.#record = record;
    this.#log = log;
  }

  /** The receiver calls only `processEvent` on the app: it gets one that records first. */
  override init(app: App): void {
    const recordFirst = { processEvent: (event: ReceiverEvent) => this.#deliver(app, event) } as unknown as App;
    super.init(recordFirst);
  }

  async #deliver(app: App, event: ReceiverEvent): Promise<void> {
    let recorded: Record<string, unknown> | null | undefined;
    try {
      [recorded] = await this.#record([event.body]);
    } catch (err) {
      // As over HTTP: if the inbox cannot be written, the delivery is worked on unrecorded, not refused.
      this.#log.warn({ err }, 'could not record a Slack delivery; working on it unrecorded');
      recorded = {};
    }
    // Recorded before: a redelivery (Slack resends what it saw no ack for). Acknowledge only.
    if (recorded === null) return event.ack();
    await app.processEvent({ ...event, customProperties: { ...event.customProperties, ...recorded } });
  }
}
