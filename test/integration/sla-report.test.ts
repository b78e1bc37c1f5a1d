import { afterEach, describe, expect, test } from 'vitest';
import { slaReport } from '../../core/sla/sla-report.js';
import { addReply } from '../../core/tickets/add-reply.js';
import { intakeMessage } from '../../core/tickets/intake-message.js';
import * as act from '../../core/tickets/ticket-actions.js';
import { configWith } from '../helpers/automation.js';
import { agent, makeCore, supervisor, type TestCore } from '../helpers/core.js';
import { PROVIDERS } from '../helpers/databases.js';

const MIN = 60_000;
/** 24/7 clocks: P2 first response 2 h (warned at 90 min). */
const config = configWith((raw) => {
  for (const team of raw.teams as { calendar?: string }[]) delete team.calendar;
});

describe.each(PROVIDERS)('the SLA report on $name', (provider) => {
  let core: TestCore | undefined;
  afterEach(async () => {
    await core?.close();
    core = undefined;
  });

  test('pages through every ticket with clocks: breached and at-risk, most urgent first, by team, closed and answered left out', async () => {
    core = await makeCore(await provider.fresh(), config);
    const deps = core.deps;
    const open = async (n: number) => {
      const { ticket } = await intakeMessage(deps, {
        platform: 'web',
        platformMessageId: `m-${n}`,
        author: { platformUserId: `c-${n}` },
        text: '裙子尺码不对，想换货',
        channel: 'web',
      });
      return act.setPriority(deps, ticket.id, supervisor, 'P2');
    };
    const early = [await open(1), await open(2), await open(3)];
    core.clock.advance(40 * MIN);
    const late = [await open(4), await open(5)];
    await act.claimTicket(deps, early[1]?.id ?? 0, agent('lin'));
    await addReply(deps, early[1]?.id ?? 0, agent('lin'), { body: '您好，马上处理' });
    await act.closeTicket(deps, early[2]?.id ?? 0, supervisor);
    // 2 h 10 min after the first three: ticket 1 breached; 4 and 5 past their warning (90 min); 2 answered, 3 closed.
    core.clock.advance(90 * MIN);
    const report = await slaReport(deps, { pageSize: 2 });
    expect(report.breached.map((r) => [r.ticket.id, r.clock])).toEqual([[early[0]?.id, 'first_response']]);
    expect(report.atRisk.map((r) => r.ticket.id)).toEqual(late.map((t) => t.id));
    expect(await slaReport(deps, { pageSize: 500 })).toEqual(report);
    expect((await slaReport(deps, { teamId: 'logistics', pageSize: 2 })).breached).toEqual([]);
  });
});
