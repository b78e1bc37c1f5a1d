import { afterEach, describe, expect, test } from 'vitest';
import { executeCommand } from '../../core/commands/execute-command.js';
import { parseCommand } from '../../core/commands/grammar.js';
import { calendarFor } from '../../core/sla/clock.js';
import { slaReport } from '../../core/sla/sla-report.js';
import { formatLocalTime } from '../../core/sla/time-zone.js';
import { addReply } from '../../core/tickets/add-reply.js';
import { intakeMessage } from '../../core/tickets/intake-message.js';
import * as act from '../../core/tickets/ticket-actions.js';
import { configWith } from '../helpers/automation.js';
import { agent, defaultConfig, makeCore, supervisor, type TestCore } from '../helpers/core.js';
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

  test("the sla command prints deadlines in the team calendar's time zone, not the server's", async () => {
    core = await makeCore(await provider.fresh(), defaultConfig);
    const { ticket } = await intakeMessage(core.deps, {
      platform: 'web',
      platformMessageId: 'z-1',
      author: { platformUserId: 'c-z' },
      text: '裙子尺码不对，想换货',
      channel: 'web',
    });
    await act.setPriority(core.deps, ticket.id, supervisor, 'P1');
    core.clock.advance(3 * 60 * MIN);
    const parsed = parseCommand('sla');
    if (!parsed.ok) throw new Error('sla did not parse');
    const reply = await executeCommand(core.deps, parsed.command, { actor: supervisor, lang: 'en' });
    const row = (await slaReport(core.deps)).breached[0];
    const zone = calendarFor(defaultConfig, ticket.teamId)?.timezone;
    expect(zone).toBe('Asia/Shanghai');
    expect(reply.text).toContain(formatLocalTime(row?.dueAt ?? new Date(0), 'Asia/Shanghai'));
    expect(reply.text).not.toContain(formatLocalTime(row?.dueAt ?? new Date(0), 'UTC'));
  });
});
