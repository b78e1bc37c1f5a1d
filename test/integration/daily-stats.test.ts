import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { dailyStats, renderDailyStats } from '../../core/commands/daily-stats.js';
import { executeCommand } from '../../core/commands/execute-command.js';
import { addReply } from '../../core/tickets/add-reply.js';
import { intakeMessage } from '../../core/tickets/intake-message.js';
import { claimTicket, closeTicket, markPending, resolveTicket } from '../../core/tickets/ticket-actions.js';
import { agent, makeCore, type TestCore } from '../helpers/core.js';
import { PROVIDERS } from '../helpers/databases.js';

const MINUTE = 60_000;
const lin = agent('lin');

// The bundled config counts "today" in the shop calendar's zone, Asia/Shanghai (UTC+8).
describe.each(PROVIDERS)('daily stats on $name', (provider) => {
  let core: TestCore;
  beforeEach(async () => {
    core = await makeCore(await provider.fresh());
  });
  afterEach(async () => {
    await core.close();
  });

  const open = (id: string, text = '快递一直没到，订单 20261120001') =>
    intakeMessage(core.deps, { platform: 'web', platformMessageId: id, author: { platformUserId: `c-${id}` }, text, channel: 'web' });
  const setClock = (iso: string) => core.clock.advance(new Date(iso).getTime() - core.clock.now().getTime());

  test('counts since local midnight in the shop time zone, with the median first response', async () => {
    setClock('2026-11-22T15:30:00Z'); // 23:30 yesterday in Shanghai
    const yesterday = await open('y1');
    await claimTicket(core.deps, yesterday.ticket.id, lin);
    setClock('2026-11-22T16:10:00Z'); // 00:10 today
    await resolveTicket(core.deps, yesterday.ticket.id, lin); // resolved today, opened yesterday
    const a = await open('a');
    const b = await open('b');
    const c = await open('c');
    await claimTicket(core.deps, a.ticket.id, lin);
    core.clock.advance(10 * MINUTE);
    await addReply(core.deps, a.ticket.id, lin, { body: '您好，正在查询物流' }); // 10 min
    await claimTicket(core.deps, b.ticket.id, lin);
    core.clock.advance(20 * MINUTE);
    await addReply(core.deps, b.ticket.id, lin, { body: '已联系快递' }); // 30 min
    await markPending(core.deps, b.ticket.id, lin);
    await closeTicket(core.deps, a.ticket.id, lin);

    const stats = await dailyStats(core.deps);
    expect(stats.timeZone).toBe('Asia/Shanghai');
    expect(stats.since.toISOString()).toBe('2026-11-22T16:00:00.000Z');
    expect(stats).toMatchObject({ created: 3, resolved: 1, closed: 1, open: { total: 2, new: 1, working: 0, pending: 1 } });
    expect(stats.firstResponseMedianMs).toBe(20 * MINUTE); // (10 + 30) / 2
    expect(c.ticket.status).toBe('new');

    const zh = renderDailyStats(stats, 'zh');
    expect(zh).toContain('2026-11-23');
    expect(zh).toContain('新建 3');
    expect(renderDailyStats(stats, 'en')).toContain('3 opened, 1 resolved, 1 closed');
  });

  /** `n` open tickets created now, written in bulk (the figures are about counting, not about intake). */
  const bulk = (n: number, firstResponseAfterMs?: number) => {
    const createdAt = core.clock.now();
    const firstResponseAt = firstResponseAfterMs === undefined ? null : new Date(createdAt.getTime() + firstResponseAfterMs);
    return core.database.db.ticket.createMany({
      data: Array.from({ length: n }, (_, i) => ({ title: `t${i}`, description: 'x', channel: 'web', createdAt, firstResponseAt })),
    });
  };

  test('figures are exact on a busy day, beyond any list limit', async () => {
    await bulk(10_001, 5 * MINUTE);
    const stats = await dailyStats(core.deps);
    expect(stats).toMatchObject({ created: 10_001, open: { total: 10_001, new: 10_001, working: 0, pending: 0 } });
    expect(stats.firstResponseMedianMs).toBe(5 * MINUTE);
  });

  test('list says how many match in all and that only the first 50 are shown', async () => {
    await bulk(51);
    const list = (lang: 'zh' | 'en') => executeCommand(core.deps, { verb: 'list', scope: 'open' }, { actor: lin, lang });
    const zh = (await list('zh')).text.split('\n');
    expect(zh[0]).toBe('共 51 个工单：');
    expect(zh).toHaveLength(1 + 50 + 1);
    expect(zh.at(-1)).toBe('……另有 1 个未列出（只显示前 50 个）');
    expect((await list('en')).text.split('\n').at(-1)).toBe('… 1 more not shown (only the first 50 are listed)');
  });

  test('a list that fits says nothing more', async () => {
    await bulk(3);
    const { text } = await executeCommand(core.deps, { verb: 'list', scope: 'open' }, { actor: lin, lang: 'en' });
    expect(text.split('\n')).toHaveLength(4);
    expect(text).toMatch(/^3 ticket\(s\):/);
  });

  test('an empty day says so rather than inventing a median', async () => {
    const stats = await dailyStats(core.deps);
    expect(stats).toMatchObject({ created: 0, resolved: 0, closed: 0, firstResponseMedianMs: null });
    expect(renderDailyStats(stats, 'en')).toContain('Median first response: none');
  });
});
