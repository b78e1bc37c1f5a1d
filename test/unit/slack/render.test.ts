import { describe, expect, test } from 'vitest';
import { ACTION, escapeMrkdwn, noteModal, suggestionBlocks, ticketCard, VIEW } from '../../../bot/slack/render.js';
import { BUNDLED_CONFIG, loadConfig } from '../../../core/config.js';
import { EMPTY_SLA } from '../../../core/sla/clock.js';
import type { Ticket } from '../../../core/tickets/types.js';
import { ticketFixture } from '../../helpers/ticket-fixture.js';

const config = loadConfig(BUNDLED_CONFIG);
const at = (iso: string) => new Date(iso);

/** A new VIP return request with its first-response and resolution deadlines, triaged at 82%. */
function ticket(overrides: Partial<Ticket> = {}): Ticket {
  return ticketFixture({
    id: 12,
    number: 'T-000012',
    title: 'Coat <torn> & returned',
    teamId: 'after-sales',
    category: 'return_exchange',
    sentiment: 'negative',
    channel: 'slack',
    customerTier: 'vip',
    triageConfidence: 0.82,
    sla: { ...EMPTY_SLA, firstResponseDueAt: at('2026-11-24T03:00:00Z'), resolutionDueAt: at('2026-11-25T02:00:00Z') },
    createdAt: at('2026-11-24T02:00:00Z'),
    updatedAt: at('2026-11-24T02:00:00Z'),
    orderNumbers: ['202611010012'],
    ...overrides,
  });
}

const actionIds = (blocks: unknown[]) =>
  JSON.stringify(blocks)
    .match(/"action_id":"(tb_[a-z_]+)"/g)
    ?.map((m) => m.slice(13, -1)) ?? [];

describe('the Slack ticket card', () => {
  test('a new ticket: number and title (escaped), fields in the reader language, due times in the team zone, every control', () => {
    const { text, blocks } = ticketCard(ticket(), { config, lang: 'en', assignee: null });
    const json = JSON.stringify(blocks);
    expect(json).toContain('T-000012 · Coat <torn> & returned'); // plain_text header: no escaping needed
    expect(json).toContain('Status*\\nnew');
    expect(json).toContain('2026-11-24 11:00'); // 03:00Z in Asia/Shanghai (the shop calendar)
    expect(json).toContain('VIP');
    expect(json).toContain('`202611010012`');
    expect(actionIds(blocks)).toEqual([
      ACTION.claim,
      ACTION.resolve,
      ACTION.close,
      ACTION.suggest,
      ACTION.note,
      ACTION.assign,
      ACTION.transfer,
      ACTION.priority,
      ACTION.category,
    ]);
    expect(text).toContain('T-000012');
  });

  test('the assignee is shown as given (a Slack mention), first response met, paused resolution', () => {
    const card = ticketCard(
      ticket({
        status: 'pending_customer',
        assigneeId: 'lin',
        firstResponseAt: at('2026-11-24T02:10:00Z'),
        sla: { ...EMPTY_SLA, resolutionDueAt: at('2026-11-25T02:00:00Z'), pausedSince: at('2026-11-24T05:00:00Z') },
      }),
      { config, lang: 'zh', assignee: '<@U0LIN>' },
    );
    const json = JSON.stringify(card.blocks);
    expect(json).toContain('<@U0LIN>');
    expect(json).toContain('待客户回复');
    expect(json).toContain('已响应');
    expect(json).toContain('已暂停');
    expect(actionIds(card.blocks)).not.toContain(ACTION.claim);
  });

  test('a customer waiting for a next reply: its due time, marked once missed; gone when nobody waits', () => {
    const since = at('2026-11-24T04:00:00Z');
    const sla = { ...EMPTY_SLA, resolutionDueAt: at('2026-11-25T02:00:00Z'), nextResponseMs: 3_600_000, nextResponseDueAt: at('2026-11-24T05:00:00Z') };
    const base = { status: 'in_progress' as const, firstResponseAt: at('2026-11-24T02:10:00Z') };
    const waiting = JSON.stringify(ticketCard(ticket({ ...base, awaitingReplySince: since, sla }), { config, lang: 'en', assignee: null }).blocks);
    expect(waiting).toContain('Next reply due*\\n2026-11-24 13:00');
    const missed = { ...sla, nextResponseBreachedAt: at('2026-11-24T05:00:00Z') };
    expect(JSON.stringify(ticketCard(ticket({ ...base, awaitingReplySince: since, sla: missed }), { config, lang: 'en', assignee: null }).blocks)).toContain(
      'Next reply due*\\n🚨 2026-11-24 13:00',
    );
    // A breach of an earlier wait does not mark the current one.
    const earlier = { ...missed, nextResponseBreachedAt: at('2026-11-24T03:00:00Z') };
    expect(JSON.stringify(ticketCard(ticket({ ...base, awaitingReplySince: since, sla: earlier }), { config, lang: 'en', assignee: null }).blocks)).toContain(
      'Next reply due*\\n2026-11-24 13:00',
    );
    expect(JSON.stringify(ticketCard(ticket({ ...base, sla }), { config, lang: 'en', assignee: null }).blocks)).not.toContain('Next reply due');
  });

  test('an unassigned ticket waiting on the customer has a Claim button; an assigned one does not', () => {
    const waiting = { status: 'pending_customer' as const, pendingSince: at('2026-11-24T02:00:00Z') };
    expect(actionIds(ticketCard(ticket({ ...waiting, assigneeId: null }), { config, lang: 'en', assignee: null }).blocks)).toContain(ACTION.claim);
    expect(actionIds(ticketCard(ticket({ ...waiting, assigneeId: 'lin' }), { config, lang: 'en', assignee: null }).blocks)).not.toContain(ACTION.claim);
  });

  test('the resolution deadline is marked when this clock breached, not for a breach before a reopen', () => {
    const base = { status: 'assigned' as const, assigneeId: 'lin', firstResponseAt: at('2026-11-24T02:10:00Z') };
    const due = at('2026-11-25T02:00:00Z');
    const card = (sla: Ticket['sla']) => JSON.stringify(ticketCard(ticket({ ...base, sla }), { config, lang: 'en', assignee: null }).blocks);
    const breachedBefore = { ...EMPTY_SLA, resolutionDueAt: due, resolutionBreachedAt: at('2026-11-20T02:00:00Z') };
    expect(card(breachedBefore)).not.toContain('🚨');
    expect(card({ ...breachedBefore, stages: { res_breach: due.toISOString() } })).toContain('🚨 2026-11-25 10:00');
  });

  test('order numbers link to the back office when a rule matches, and stay code otherwise', () => {
    const linked = { ...config, orderLinks: [{ match: '^2026', url: 'https://erp.example.com/o/{order}' }] };
    const json = JSON.stringify(ticketCard(ticket({ orderNumbers: ['202611010012', 'SO-1<2>'] }), { config: linked, lang: 'en', assignee: null }).blocks);
    expect(json).toContain('<https://erp.example.com/o/202611010012|202611010012>');
    expect(json).toContain('`SO-1&lt;2&gt;`');
  });

  test('a closed ticket keeps no controls; a resolved one only close and note', () => {
    expect(actionIds(ticketCard(ticket({ status: 'closed' }), { config, lang: 'en', assignee: null }).blocks)).toEqual([]);
    expect(actionIds(ticketCard(ticket({ status: 'resolved' }), { config, lang: 'en', assignee: null }).blocks)).toEqual([ACTION.close, ACTION.note]);
  });

  test("triaged fields show the classifier's confidence until a person changes them", () => {
    const json = JSON.stringify(ticketCard(ticket(), { config, lang: 'en', assignee: null }).blocks);
    expect(json.match(/AI 82%/g)).toHaveLength(2); // priority and category
    const changed = JSON.stringify(ticketCard(ticket(), { config, lang: 'zh', assignee: null, changedBy: { priority: '林晓' } }).blocks);
    expect(changed).toContain('P2 · 林晓 修改');
    expect(changed).toContain('AI 判断 82%'); // the category is still triage's
    expect(JSON.stringify(ticketCard(ticket({ triageConfidence: null }), { config, lang: 'en', assignee: null }).blocks)).not.toContain('AI ');
  });

  test('select options carry the ticket id before the choice', () => {
    const json = JSON.stringify(ticketCard(ticket(), { config, lang: 'en', assignee: null }).blocks);
    expect(json).toContain('"value":"12:P1"');
    expect(json).toContain('"value":"12:logistics"');
    expect(json).toContain('"value":"12:refund"');
  });
});

describe('suggestion and modals', () => {
  test('a suggestion shows the reply, its sources, and Send/Edit for the ticket', () => {
    const s = suggestionBlocks(
      ticket(),
      { reply: 'Returns within 7 days <free>', drafted: false, sources: [{ id: 'faq-1', title: 'Returns', answer: '', source: 'returns.md', score: 0.71 }] },
      'en',
    );
    const json = JSON.stringify(s.blocks);
    expect(json).toContain('Returns within 7 days &lt;free&gt;');
    expect(json).toContain('returns.md, 0.71');
    expect(actionIds(s.blocks)).toEqual([ACTION.sendReply, ACTION.editReply]);
  });

  test('no suggestion: says so, offers nothing to send', () => {
    const s = suggestionBlocks(ticket(), { reply: null, drafted: false, sources: [] }, 'zh');
    expect(s.text).toBe('知识库里没有找到合适的答案。');
    expect(actionIds(s.blocks)).toEqual([]);
  });

  test('the note modal carries where it came from', () => {
    const view = noteModal({ ticketId: 12, channelId: 'C1', threadTs: '1.2' }, 'en');
    expect(view.callback_id).toBe(VIEW.note);
    expect(JSON.parse(view.private_metadata ?? '')).toEqual({ ticketId: 12, channelId: 'C1', threadTs: '1.2' });
  });

  test('escapeMrkdwn escapes exactly Slack control characters', () => {
    expect(escapeMrkdwn('a & <b> *c*')).toBe('a &amp; &lt;b&gt; *c*');
  });
});
