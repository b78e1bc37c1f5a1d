// The Slack adapter: a Bolt app in HTTP mode (served at /slack/events on the web channel's server and
// port) or Socket Mode, wired to the core. Only bot/slack imports @slack/bolt.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, ignoreSelf, LogLevel, type Logger as SlackLogger, webApi } from '@slack/bolt';
import type { FastifyInstance } from 'fastify';
import type { InboxStore } from '../../core/ports.js';
import type { TicketChanged, TicketDeps } from '../../core/tickets/deps.js';
import { AfterAck } from '../after-ack.js';
import type { Logger } from '../logger.js';
import { FastifyReceiver } from './fastify-receiver.js';
import { registerInbound } from './inbound.js';
import { SlackInbox } from './inbox.js';
import { SlackOutbound } from './outbound.js';
import { ParkedSpool } from './parked-spool.js';
import type { SlackSettings } from './settings.js';
import { RecordingSocketModeReceiver } from './socket-receiver.js';

export const SLACK_EVENTS_PATH = '/slack/events';

export interface SlackAdapter {
  mode: SlackSettings['mode'];
  bolt: App;
  out: SlackOutbound;
  /** HTTP mode: serves /slack/events on the web server (call before it listens). */
  mount(web: FastifyInstance): void;
  /**
   * HTTP mode: takes /slack/events requests from Node's HTTP server before the web framework routes
   * them (give it to the web server's `intercept`); false for every other request. Null in Socket Mode.
   */
  intercept: ((req: IncomingMessage, res: ServerResponse) => boolean) | null;
  /** HTTP mode: told of every connection the web server accepts (its `onConnection`). Null in Socket Mode. */
  connected: (() => void) | null;
  /** Socket Mode: connects. HTTP mode: nothing to do (the web server listens). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Waits until every request taken so far is fully handled and no card update is in flight. */
  idle(): Promise<void>;
  /** Deliveries recorded before work; what a dead process left unfinished is worked off by `startWorkers`. */
  inbox: SlackInbox;
  /** Background work: deliveries left unfinished by a process that died are processed again. */
  startWorkers(): void;
  /** Observer of every ticket change: re-renders the ticket's Slack cards. */
  onChange(change: TicketChanged): void;
}

/** Bolt logs through pino, under the "slack" name. */
function boltLogger(logger: Logger): SlackLogger {
  const log = logger.child({ component: 'slack' });
  let level = LogLevel.INFO;
  return {
    debug: (...msg) => log.debug(msg.map(String).join(' ')),
    info: (...msg) => log.info(msg.map(String).join(' ')),
    warn: (...msg) => log.warn(msg.map(String).join(' ')),
    error: (...msg) => log.error(msg.map(String).join(' ')),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

/**
 * The bot's identity for Bolt (its user and bot ids, which ignore-self needs), asked of auth.test on the
 * first request and kept once it answers. Bolt's own token mode calls auth.test when the app is built and
 * keeps even a failure: a network blip at start would crash the process (an unhandled rejection) or
 * leave every later request unauthorised until a restart. Here a failure is retried on the next request.
 */
function botAuthorization(client: webApi.WebClient, botToken: string) {
  let identity: Promise<{ botUserId: string; botId: string }> | undefined;
  return async () => {
    identity ??= client.auth.test().then((r) => ({ botUserId: String(r.user_id ?? ''), botId: String(r.bot_id ?? '') }));
    try {
      return { botToken, ...(await identity) };
    } catch (error) {
      identity = undefined;
      throw error;
    }
  };
}

export function createSlackAdapter(opts: {
  settings: SlackSettings;
  deps: TicketDeps;
  logger: Logger;
  inbox: InboxStore;
  /** Requests worked on at once after their ack (more suits PostgreSQL; SQLite writes one at a time). */
  workConcurrency?: number | undefined;
  /** Where deliveries that could be neither recorded nor worked on are kept across a stop (parked-spool.ts). */
  spoolDir?: string | undefined;
}): SlackAdapter {
  const { settings, deps, logger } = opts;
  const slackLog = boltLogger(logger);
  // A short retry policy: the SDK's default retries for ~30 minutes inside one call, which would hold a
  // card refresh (and shutdown) that long; SlackOutbound retries on its own and logs what it gives up.
  const clientOptions = {
    ...(settings.apiUrl ? { slackApiUrl: settings.apiUrl } : {}),
    retryConfig: { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 2_000 },
  };
  const inbox = new SlackInbox(opts.inbox, logger, deps.clock, opts.spoolDir ? new ParkedSpool(opts.spoolDir, logger) : undefined);
  const receiver =
    settings.mode === 'http'
      ? new FastifyReceiver({
          signingSecret: settings.signingSecret ?? '',
          path: SLACK_EVENTS_PATH,
          logger,
          record: (bodies) => inbox.recordBurst(bodies),
          process: (app, event) => inbox.process(app, event),
        })
      : // Socket Mode opens its connection through apps.connections.open: that client gets the API URL too.
        new RecordingSocketModeReceiver({
          appToken: settings.appToken ?? '',
          logger: slackLog,
          installerOptions: { clientOptions },
          record: (bodies) => inbox.recordBurst(bodies),
          process: (app, event) => inbox.process(app, event),
          log: logger,
        });
  const client = new webApi.WebClient(settings.botToken, { ...clientOptions, logger: slackLog });
  // ignoreSelf runs after the inbox middleware (not first, as Bolt would put it): the bot's own messages,
  // which Slack echoes back, are recorded by the receiver and must be marked finished too.
  const bolt = new App({ authorize: botAuthorization(client, settings.botToken), receiver, logger: slackLog, clientOptions, ignoreSelf: false });
  const out = new SlackOutbound(client, deps, logger);
  // Listeners keep working after the ack; shutdown waits for them before the database closes.
  const inFlight = new Set<Promise<void>>();
  const queue = new AfterAck(opts.workConcurrency ?? 2);
  bolt.use(inbox.middleware());
  bolt.use(ignoreSelf);
  bolt.use(async ({ next }) => {
    const run = queue.handle(next);
    inFlight.add(run);
    try {
      await run;
    } finally {
      inFlight.delete(run);
    }
  });
  registerInbound(bolt, { client, deps, out, settings, logger });
  bolt.error(async (error) => {
    logger.error({ err: error }, 'Slack listener failed');
  });
  return {
    mode: settings.mode,
    bolt,
    out,
    mount(web) {
      if (receiver instanceof FastifyReceiver) receiver.mount(web);
    },
    intercept: receiver instanceof FastifyReceiver ? (req, res) => receiver.intercept(req, res) : null,
    connected: receiver instanceof FastifyReceiver ? () => receiver.connected() : null,
    async start() {
      if (settings.mode === 'socket') await bolt.start();
    },
    inbox,
    startWorkers() {
      inbox.start(bolt);
    },
    async stop() {
      if (settings.mode === 'socket') await bolt.stop();
      await inbox.stop();
      await this.idle();
    },
    async idle() {
      await receiver.idle();
      while (inFlight.size) await Promise.allSettled([...inFlight]);
      await out.idle();
    },
    onChange(change) {
      void out.refreshCards(change.ticket.id).catch((err: unknown) => logger.error({ err }, 'Slack card refresh failed'));
    },
  };
}
