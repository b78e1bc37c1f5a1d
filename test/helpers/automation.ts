import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { type Automation, createAutomation } from '../../bot/automation.js';
import { type AppConfig, BUNDLED_CONFIG, parseConfig } from '../../core/config.js';
import type { ChatGateway, OutboundNotification } from '../../core/ports.js';
import { makeCore, type TestCore } from './core.js';
import type { TestDatabase } from './databases.js';

/** The bundled config with changes applied to its raw JSON (so defaults and checks run as for a user's file). */
export function configWith(change: (raw: Record<string, unknown>) => void): AppConfig {
  const raw = JSON.parse(readFileSync(BUNDLED_CONFIG, 'utf8')) as Record<string, unknown>;
  change(raw);
  return parseConfig(JSON.stringify(raw), 'json', 'test config');
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
export async function makeAutomatedCore(db: TestDatabase, config: AppConfig): Promise<AutomatedCore> {
  const core = await makeCore(db, config);
  const gateway = new RecordingGateway();
  const automation = await createAutomation({ deps: core.deps, db: core.database.db, logger: pino({ level: 'silent' }), gateways: [gateway], sweepEveryMs: 0 });
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
