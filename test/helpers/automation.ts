import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { type Automation, createAutomation } from '../../bot/automation.js';
import { type AppConfig, BUNDLED_CONFIG, parseConfig } from '../../core/config.js';
import type { ChatGateway, OutboundNotification } from '../../core/ports.js';
import { intakeMessage } from '../../core/tickets/intake-message.js';
import { AGENT_REPLY } from '../../core/tickets/notices.js';
import { setPriority } from '../../core/tickets/ticket-actions.js';
import type { Actor, Ticket } from '../../core/tickets/types.js';
import { makeCore, supervisor, type TestCore } from './core.js';
import type { TestDatabase } from './databases.js';

/** The bundled config with changes applied to its raw JSON (so defaults and checks run as for a user's file). */
export function configWith(change: (raw: Record<string, unknown>) => void): AppConfig {
  const raw = JSON.parse(readFileSync(BUNDLED_CONFIG, 'utf8')) as Record<string, unknown>;
  change(raw);
  return parseConfig(JSON.stringify(raw), 'json', 'test config');
}

type RawAgent = { id: string; team?: string; skills?: string[]; languages?: string[]; maxLoad?: number; onDuty?: boolean; role?: string };

/** After-sales staffed by the agents given (plus the supervisor, who only takes tickets by hand). */
export function teamOf(agents: RawAgent[], extra: (raw: Record<string, unknown>) => void = () => {}): AppConfig {
  return configWith((raw) => {
    const others = (raw.agents as RawAgent[]).filter((a) => a.team !== 'after-sales' || a.role === 'supervisor');
    raw.agents = [...others, ...agents.map((a) => ({ name: a.id, team: 'after-sales', languages: ['zh', 'en'], ...a }))];
    extra(raw);
  });
}

/** A chat gateway that records what it was asked to post, and can be made to fail. */
export class RecordingGateway implements ChatGateway {
  readonly sent: OutboundNotification[] = [];
  failing = false;

  async notify(n: OutboundNotification): Promise<void> {
    if (this.failing) throw new Error('chat platform unavailable');
    this.sent.push(n);
  }
}

export interface AutomatedCore extends TestCore {
  automation: Automation;
  gateway: RecordingGateway;
}

/**
 * The core wired with automation as the app wires it (SLA timers, auto-assignment, notification
 * outbox), on the in-process scheduler and a test clock. Workers are not started: tests move the clock
 * and call `automation.sla.sweep(0)` / `automation.dispatcher.runOnce()` to run them deterministically.
 */
export async function makeAutomatedCore(db: TestDatabase, config: AppConfig, opts: { routingSweepMs?: number } = {}): Promise<AutomatedCore> {
  const core = await makeCore(db, config);
  const gateway = new RecordingGateway();
  const automation = await createAutomation({
    deps: core.deps,
    db: core.database.db,
    logger: pino({ level: 'silent' }),
    gateways: [gateway],
    sweepEveryMs: 0,
    routingSweepMs: opts.routingSweepMs ?? 0,
  });
  const record = core.deps.onChange;
  core.deps.onChange = async (change) => {
    await record?.(change);
    await automation.onChange(change);
  };
  core.deps.onDutyChange = (agentId, onDuty) => automation.onDutyChange(agentId, onDuty);
  return {
    ...core,
    automation,
    gateway,
    close: async () => {
      await automation.stop();
      await core.close();
    },
  };
}

/** A return request from customer `n` (web), auto-assigned in after-sales, set to P2 by the supervisor; with the customer as an actor. */
export async function openP2Ticket(core: AutomatedCore, n = 1): Promise<{ ticket: Ticket; customer: Actor }> {
  const { ticket } = await intakeMessage(core.deps, {
    platform: 'web',
    platformMessageId: `m-${n}`,
    author: { platformUserId: `cust-${n}` },
    text: '裙子尺码不对，想换货',
    channel: 'web',
  });
  const p2 = await setPriority(core.deps, ticket.id, supervisor, 'P2');
  return { ticket: p2, customer: { role: 'customer', customerId: ticket.customerId ?? undefined, platform: 'web' } };
}

/** The reminders queued for a ticket (agents' replies relayed to the customer are not reminders). */
export async function reminderKinds(core: AutomatedCore, ticketId: number): Promise<string[]> {
  return (await core.automation.notifications.list({ ticketId })).map((n) => n.kind).filter((kind) => kind !== AGENT_REPLY);
}

/** Moves the test clock on and runs the SLA sweep (what the timers would do by then). */
export async function advanceAndSweep(core: AutomatedCore, ms: number): Promise<void> {
  core.clock.advance(ms);
  await core.automation.sla.sweep(0);
}
