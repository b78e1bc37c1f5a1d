import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type AppConfig, type Env, loadConfig, parseEnv, resolveConfigPath } from '../core/config.js';
import { fieldCipherFor } from '../core/field-cipher.js';
import type { ReplySuggester, SelfService } from '../core/ports.js';
import { SLA_FIRE_CONCURRENCY } from '../core/sla/sla-timers.js';
import { type Database, resolveDatabaseUrl } from '../core/store/database.js';
import { PrismaDirectoryStore } from '../core/store/directory-store.js';
import { PrismaInboxStore } from '../core/store/inbox-store.js';
import { PrismaKnowledgeStore } from '../core/store/knowledge-store.js';
import { openMigrated } from '../core/store/open-migrated.js';
import { sealCustomerContacts } from '../core/store/seal-contacts.js';
import { PrismaTicketStore } from '../core/store/ticket-store.js';
import type { TicketChanged, TicketDeps } from '../core/tickets/deps.js';
import type { KnowledgeBase } from '../knowledge/kb/knowledge-base.js';
import { parseLlmSettings } from '../knowledge/llm/settings.js';
import type { Triage } from '../knowledge/triage/create-triage.js';
import { type Automation, createAutomation } from './automation.js';
import type { SyncResult } from './knowledge-sync.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics } from './metrics.js';
import { parseSlackSettings } from './slack/settings.js';
import type { SlackAdapter } from './slack/slack-app.js';

/**
 * What a running bot needs only after its workers started: loaded then, so that a restarted bot fires
 * the reminders it missed ~0.15 s sooner (the web server, triage and the knowledge base).
 */
const loadLateModules = async () => {
  const [triage, kb, suggest, answers, web, sync] = await Promise.all([
    import('../knowledge/triage/create-triage.js'),
    import('../knowledge/kb/knowledge-base.js'),
    import('../knowledge/kb/suggest-reply.js'),
    import('../knowledge/kb/auto-answer.js'),
    import('./web/server.js'),
    import('./knowledge-sync.js'),
  ]);
  return { ...triage, ...kb, ...suggest, ...answers, ...web, ...sync };
};

export interface App {
  env: Env;
  config: AppConfig;
  database: Database;
  deps: TicketDeps;
  triage: Triage;
  knowledge: PrismaKnowledgeStore;
  kb: KnowledgeBase;
  web: FastifyInstance;
  logger: Logger;
  automation: Automation;
  /** The Slack app when SLACK_BOT_TOKEN is set (HTTP mode is mounted on `web`; Socket Mode connects on `slack.start()`). */
  slack: SlackAdapter | null;
  /** Starts the background work of a running bot: SLA timers (firing what was missed), auto-assignment, notifications. */
  startWorkers(): Promise<void>;
  /**
   * Catches up with knowledge changed by other processes: a `ticketbot kb ingest` (the index is
   * updated) and agents' triage corrections (the local model learns them). Runs every `syncEveryMs`.
   */
  syncKnowledge(): Promise<SyncResult>;
  close(): Promise<void>;
}

export interface AppOptions {
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  clock?: () => Date;
  /** Apply pending migrations before opening (default true: `start` on a fresh database just works). */
  migrate?: boolean;
  /** How often the SLA sweep looks for overdue stages (ms). */
  sweepEveryMs?: number;
  /** A one-shot CLI command: no workers will run, so do not connect to Redis (the running bot reconciles). */
  oneShot?: boolean;
  /** Start the workers as soon as the database is open, before triage and the knowledge base load (`start`). */
  startWorkers?: boolean;
  /** How often a running bot catches up with knowledge changed elsewhere (ms; 0 = never; not for one-shot commands). */
  syncEveryMs?: number;
}

/** Default of {@link AppOptions.syncEveryMs}: a new FAQ reaches a running bot within 15 s of the ingest. */
export const SYNC_EVERY_MS = 15_000;

function loaded<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('ticketbot is still starting: triage and the knowledge base are not loaded yet');
  return value;
}

/** Opens the core on its database (migrating it first) and wires the use cases. Does not listen. */
export async function createApp(opts: AppOptions = {}): Promise<App> {
  const envVars = opts.env ?? process.env;
  const env = parseEnv(envVars);
  const logger = opts.logger ?? createLogger(env.LOG_LEVEL);
  const configPath = resolveConfigPath(env.TICKETBOT_CONFIG);
  const config = loadConfig(configPath);
  const target = resolveDatabaseUrl(env.DATABASE_URL, env.TICKETBOT_DATA_DIR);
  const database = await openMigrated(target, {
    migrate: opts.migrate,
    onApplied: (applied) => logger.info({ applied, provider: target.provider }, 'applied database migrations'),
    // The SLA catch-up fires several tickets at once, each in a transaction of its own.
    warmConnections: opts.startWorkers ? SLA_FIRE_CONCURRENCY : 0,
    onPoolError: (err) => logger.warn({ err }, 'an idle PostgreSQL connection failed; the pool opens another when needed'),
  });
  const directory = new PrismaDirectoryStore(database.db);
  // A bot starting its workers syncs the directory after it has fired the reminders it missed.
  const syncDirectory = () => directory.syncFromConfig(config);
  if (!opts.startWorkers) await syncDirectory();
  const cipher = fieldCipherFor(env.TICKETBOT_DATA_KEYS);
  const tickets = new PrismaTicketStore(database.db, cipher);
  // Contacts stored before keys were configured, or with a key being rotated out: sealed by the bot, in the background.
  let sealing: Promise<void> | undefined;
  let closing = false;
  const sealContacts = () => {
    sealing ??= sealCustomerContacts(database.db, cipher, { stopped: () => closing })
      .then(({ sealed, failed }) => {
        if (sealed) logger.info({ sealed, key: cipher.currentPrefix?.split(':')[1] }, 'sealed customer contacts with the current data key');
        if (failed.length)
          logger.error(
            { failed: failed.slice(0, 20), count: failed.length },
            'customer contacts left unsealed: sealed with a key TICKETBOT_DATA_KEYS no longer lists, or altered',
          );
      })
      .catch((err: unknown) => logger.error({ err }, 'could not seal customer contacts'));
  };
  const knowledge = new PrismaKnowledgeStore(database.db);
  const metrics = createMetrics(tickets);
  const llm = parseLlmSettings(envVars);
  // One-shot CLI commands never talk to Slack.
  const slackSettings = opts.oneShot ? null : parseSlackSettings(envVars);
  // Triage and the knowledge base load after the workers (they train and read models, ~0.3 s): a
  // restarted bot fires the reminders it missed first. Nothing classifies before createApp returns.
  const late: { triage?: Triage; suggester?: ReplySuggester; answers?: SelfService; learn?: (change: TicketChanged) => unknown } = {};
  const deps: TicketDeps = {
    tickets,
    directory,
    config,
    classifier: { classify: (text, context) => loaded(late.triage).classifier.classify(text, context) },
    suggester: { suggest: (input) => loaded(late.suggester).suggest(input) },
    answers: {
      ask: (input, open) => loaded(late.answers).ask(input, open),
      feedback: (input, open) => loaded(late.answers).feedback(input, open),
      decisionFor: (platform, messageId) => loaded(late.answers).decisionFor(platform, messageId),
    },
    clock: opts.clock ?? (() => new Date()),
    onChange: async (change) => {
      metrics.onChange(change);
      void late.learn?.(change);
      slack?.onChange(change);
      await automation.onChange(change);
    },
    onDutyChange: (agentId, onDuty) => automation.onDutyChange(agentId, onDuty),
  };
  // Loaded only when configured: the Slack SDK costs start-up time.
  const slack = slackSettings
    ? (await import('./slack/slack-app.js')).createSlackAdapter({
        settings: slackSettings,
        deps,
        logger,
        inbox: new PrismaInboxStore(database),
        workConcurrency: target.provider === 'sqlite' ? 1 : 4,
        spoolDir: join(env.TICKETBOT_DATA_DIR, 'slack-spool'),
      })
    : null;
  const automation = await createAutomation({
    deps,
    db: database.db,
    gateways: slack ? [slack.out] : [],
    logger,
    redisUrl: opts.oneShot ? undefined : env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX,
    sweepEveryMs: opts.sweepEveryMs,
  });
  let triage: Triage;
  let kb: KnowledgeBase;
  let mods: Awaited<ReturnType<typeof loadLateModules>>;
  try {
    if (opts.startWorkers) {
      await automation.start(syncDirectory);
      sealContacts();
    }
    mods = await loadLateModules();
    const { createTriage, KnowledgeBase } = mods;
    triage = await createTriage({
      config,
      knowledge,
      llm,
      onTriage: (o) =>
        o.source === 'llm'
          ? logger.debug({ model: o.model, ms: o.latencyMs, adjustments: o.adjustments }, 'LLM triage')
          : logger.warn({ model: o.model, reason: o.reason, ms: o.latencyMs }, 'LLM triage failed; used the local classifier'),
    });
    // Local embeddings by default; KB_EMBEDDER=openai uses the endpoint's embeddings (not every OpenAI-compatible server has them).
    const embedder = llm && envVars.KB_EMBEDDER === 'openai' && triage.llm ? await triage.llm.createEmbedder() : undefined;
    kb = await KnowledgeBase.open({ store: knowledge, dir: join(env.TICKETBOT_DATA_DIR, 'kb'), embedder });
  } catch (error) {
    await automation.stop();
    await sealing;
    // What the workers handed to Slack before the failure is posted before the database closes.
    await slack?.idle();
    await database.close();
    throw error;
  }
  const { KbReplySuggester, autoAnswer, answerFeedback, learnFromCorrections, buildWebServer, startKnowledgeSync } = mods;
  const llmServices = triage.llm;
  late.triage = triage;
  late.suggester = new KbReplySuggester(kb, llmServices ? (input) => llmServices.draftReply(input) : null);
  late.answers = {
    ask: (input, open) => autoAnswer({ kb, knowledge, tickets: deps }, input, open),
    feedback: (input, open) => answerFeedback({ knowledge, tickets: deps }, input, open),
    decisionFor: async (platform, messageId) => {
      const log = await knowledge.findAutoAnswerByMessage(platform, messageId);
      return log ? { logId: log.id, answered: log.answered, customerRef: log.customerRef, question: log.question } : null;
    },
  };
  late.learn = learnFromCorrections({ corrections: triage.corrections, onError: (err) => logger.error({ err }, 'could not record a triage correction') });
  const web = buildWebServer({
    deps,
    kb,
    logger,
    metrics,
    apiToken: env.TICKETBOT_API_TOKEN,
    metricsToken: env.TICKETBOT_METRICS_TOKEN,
    checkHealth: async () => {
      await database.db.$queryRawUnsafe('SELECT 1');
    },
    intercept: slack?.intercept,
    onConnection: slack?.connected,
  });
  slack?.mount(web);
  // Started last: nothing above can fail and leave the timer running.
  const sync = startKnowledgeSync({ kb, corrections: triage.corrections, everyMs: opts.oneShot ? 0 : (opts.syncEveryMs ?? SYNC_EVERY_MS), logger });
  logger.info(
    {
      config: configPath,
      database: target.provider === 'sqlite' ? target.url : 'postgresql',
      triage: llm ? `llm (${llm.triageModel}) with local fallback` : 'local',
      scheduler: automation.scheduler.kind,
      slack: slack ? slack.mode : 'off',
    },
    'ticketbot core ready',
  );
  return {
    env,
    config,
    database,
    deps,
    triage,
    knowledge,
    kb,
    web,
    logger,
    automation,
    slack,
    startWorkers: async () => {
      await automation.start();
      slack?.startWorkers();
      sealContacts();
    },
    syncKnowledge: () => sync.run(),
    async close() {
      await sync.stop();
      await web.close();
      await slack?.stop();
      await automation.stop();
      closing = true;
      await sealing;
      // Card updates caused by the workers' last changes.
      await slack?.out.idle();
      await database.close();
    },
  };
}
