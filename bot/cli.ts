import { parseArgs } from 'node:util';
import { describeTicket } from '../core/commands/execute-command.js';
import { listTickets } from '../core/commands/list-tickets.js';
import { parseEnv } from '../core/config.js';
import { AppError, toAppError } from '../core/errors.js';
import { render } from '../core/i18n/translate.js';
import { resolveDatabaseUrl } from '../core/store/database.js';
import { migrate } from '../core/store/migrate.js';
import { getTicket } from '../core/tickets/apply-event.js';
import { parseTicketNumber } from '../core/tickets/ticket-number.js';
import { type App, createApp } from './app.js';
import { EVAL_HELP, evalCommand } from './cli-eval.js';
import { DEMO_KB, ingestWithProgress, KB_HELP, kbCommand } from './cli-kb.js';
import { SLA_HELP, slaCommand } from './cli-sla.js';
import { platformStatus } from './platforms.js';
import { seedDemo } from './seed-demo.js';
import { withApp } from './with-app.js';

const HELP = `ticketbot — chat-ops ticketing for e-commerce customer service

Usage:
  ticketbot start                 run the bot (web channel on $PORT, default 3000)
  ticketbot worker                run only the background workers (SLA timers, routing, notifications)
  ticketbot migrate               apply database migrations (idempotent)
  ticketbot seed-demo             create a few demo tickets
  ticketbot tickets list [--scope open|mine|team|breaching] [--agent ID]
  ticketbot tickets show <T-000123> [--lang zh|en]
${SLA_HELP}
${KB_HELP}
${EVAL_HELP}

Environment: PORT, HOST, DATABASE_URL, REDIS_URL, REDIS_PREFIX, TICKETBOT_DATA_DIR, TICKETBOT_CONFIG, TICKETBOT_API_TOKEN, TICKETBOT_METRICS_TOKEN, TICKETBOT_DATA_KEYS, LOG_LEVEL`;

async function start(): Promise<void> {
  // Workers first: a restarted bot fires the reminders it missed before triage and the KB load.
  const app = await createApp({ startWorkers: true });
  if (app.kb.size === 0) {
    // The embedded default ships a demo FAQ so that suggestions and auto-answers work out of the box.
    app.logger.info(`knowledge base is empty: ingesting the bundled demo (${await ingestWithProgress(app, DEMO_KB)})`);
  }
  for (const p of platformStatus(process.env))
    app.logger.info({ platform: p.platform, enabled: p.enabled, reason: p.reason }, `platform ${p.platform}: ${p.enabled ? 'on' : 'off'} (${p.reason})`);
  const address = await app.web.listen({ port: app.env.PORT, host: app.env.HOST });
  app.logger.info(`ticketbot is listening on ${address.replace('0.0.0.0', 'localhost')}`);
  await app.slack?.start();
  stopOnSignals(app);
}

/** Background workers only (SLA timers, routing, notifications), no HTTP: extra processes beside `start` on PostgreSQL + Redis. */
async function worker(): Promise<void> {
  // No knowledge sync: a worker neither classifies nor searches the knowledge base.
  const app = await createApp({ startWorkers: true, syncEveryMs: 0 });
  // The workers' timers are unref'd (they never keep a one-shot command alive): this keeps the process up.
  const keepAlive = setInterval(() => {}, 1 << 30);
  app.logger.info('ticketbot worker is running (no HTTP server)');
  stopOnSignals(app, () => clearInterval(keepAlive));
}

function stopOnSignals(app: App, cleanup?: () => void): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'shutting down');
    cleanup?.();
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

async function tickets(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { scope: { type: 'string', default: 'open' }, agent: { type: 'string' }, lang: { type: 'string', default: 'zh' } },
  });
  const lang = values.lang === 'en' ? 'en' : 'zh';
  const [sub, number] = positionals;
  await withApp(async (app) => {
    if (sub === 'list') {
      const scope = values.scope as 'open' | 'mine' | 'team' | 'breaching';
      if (!['open', 'mine', 'team', 'breaching'].includes(scope)) throw new AppError('INVALID_INPUT', { message: `unknown scope ${scope}` });
      const found = await listTickets(app.deps, scope, { role: 'admin', agentId: values.agent, platform: 'cli' });
      if (!found.length) console.log(lang === 'zh' ? '没有工单。' : 'No tickets.');
      for (const t of found)
        console.log(`${t.number}  ${t.priority}  ${t.status.padEnd(16)} ${(t.assigneeId ?? '-').padEnd(10)} ${t.category.padEnd(18)} ${t.title}`);
    } else if (sub === 'show' && number) {
      const id = parseTicketNumber(number);
      if (id === null) throw AppError.user('TICKET_NOT_FOUND', 'error.ticketNotFound', { number });
      const ticket = await getTicket(app.deps, id);
      console.log(describeTicket(ticket, lang, app.deps));
      for (const m of await app.deps.tickets.listMessages(id, { includeInternal: true })) {
        console.log(`  ${m.createdAt.toISOString()} ${m.visibility === 'internal' ? '[internal] ' : ''}${m.authorName ?? m.authorKind}: ${m.body}`);
      }
    } else {
      throw new AppError('INVALID_INPUT', { message: 'usage: ticketbot tickets list | show <T-000123>' });
    }
  });
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'start':
        await start();
        return -1; // keeps running
      case 'worker':
        await worker();
        return -1;
      case 'migrate': {
        const env = parseEnv(process.env);
        const target = resolveDatabaseUrl(env.DATABASE_URL, env.TICKETBOT_DATA_DIR);
        const applied = await migrate(target);
        console.log(
          applied.length
            ? `Applied ${applied.length} migration(s) to ${target.provider}: ${applied.join(', ')}`
            : `Database (${target.provider}) is up to date.`,
        );
        return 0;
      }
      case 'seed-demo':
        await withApp(async (app) => console.log(await seedDemo(app.deps)));
        return 0;
      case 'tickets':
        await tickets(rest);
        return 0;
      case 'sla':
        await slaCommand(rest);
        return 0;
      case 'kb':
        await kbCommand(rest);
        return 0;
      case 'eval':
        await evalCommand(rest);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(HELP);
        return 0;
      default:
        console.error(`Unknown command "${command}".\n\n${HELP}`);
        return 2;
    }
  } catch (error) {
    const e = toAppError(error);
    // Operator-facing errors (config, usage, internal) carry their detail in the log message.
    if (e.userMessage.key === 'error.internal') console.error(`ticketbot: ${e.message}`);
    else console.error(`ticketbot: ${render('en', e.userMessage)} / ${render('zh', e.userMessage)}`);
    if (e.code === 'INTERNAL' && e.cause) console.error(e.cause);
    return 1;
  }
}
