import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { AppError } from '../../core/errors.js';
import { intakeMessage } from '../../core/tickets/intake-message.js';
import { mergeTicket } from '../../core/tickets/ticket-actions.js';
import { PROVIDERS } from '../helpers/databases.js';
import { http, intakeBody, postMessage, startWebApp, type WebApp } from '../helpers/web.js';

// Cases found in review: each was a real failure before its fix.
describe.each(PROVIDERS)('hardening on $name', (provider) => {
  let web: WebApp;
  beforeEach(async () => {
    web = await startWebApp(await provider.fresh());
  });
  afterEach(async () => {
    await web.close();
  });

  test("another customer reusing a messageId gets their own ticket, never the first one's access key", async () => {
    const victim = await postMessage(web.base, intakeBody({ messageId: 'order-sys-88123', customer: { id: 'u-1001' } }));
    const other = await postMessage(web.base, intakeBody({ messageId: 'order-sys-88123', customer: { id: 'attacker' } }));
    expect(victim.status).toBe(201);
    expect(other.status).toBe(201);
    expect(other.body.ticket.number).not.toBe(victim.body.ticket.number);
    expect(other.body.ticket.accessKey).not.toBe(victim.body.ticket.accessKey);
  });

  test('intake never overwrites what we know about a customer, only fills gaps', async () => {
    await postMessage(web.base, intakeBody({ messageId: 'a', customer: { id: 'u-1', name: '张女士', phone: '13812345678' } }));
    await postMessage(web.base, intakeBody({ messageId: 'b', customer: { id: 'u-1', name: 'Mallory', phone: '+1 555 0000', email: 'z@example.com' } }));
    const customers = await web.app.database.db.customer.findMany();
    expect(customers).toHaveLength(1);
    expect(customers[0]).toMatchObject({ name: '张女士', phone: '13812345678', email: 'z@example.com' });
  });

  test('"did not help" on a question that already opened a ticket returns that ticket', async () => {
    const asked = await http<{ answered: boolean; autoAnswerId: number; feedbackToken: string; ticket: { number: string } }>(web.base, 'POST', '/api/answers', {
      json: { messageId: 'q', question: '你们招不招仓库兼职', customer: { id: 'c-1' } },
    });
    expect(asked.body.answered).toBe(false);
    const feedback = await http<{ ticket: { number: string } }>(web.base, 'POST', `/api/answers/${asked.body.autoAnswerId}/feedback`, {
      json: { helpful: false, customer: { id: 'c-1' }, token: asked.body.feedbackToken },
    });
    expect(feedback.body.ticket.number).toBe(asked.body.ticket.number);
    expect(await web.app.deps.tickets.countTickets({})).toBe(1);
  });

  test('first messages arriving together in a new thread make one ticket with every message', async () => {
    const thread = { platform: 'wechat' as const, workspaceId: '', channelId: 'room', threadId: 'room', messageId: '' };
    const results = await Promise.all(
      ['在吗', '我的快递三天没动了', '单号 1234567890123456789'].map((text, i) =>
        intakeMessage(web.app.deps, {
          platform: 'wechat',
          platformMessageId: `w-${i}`,
          conversation: thread,
          author: { platformUserId: 'wx-1' },
          text,
          channel: 'wechat',
        }),
      ),
    );
    expect(new Set(results.map((r) => r.ticket.id)).size).toBe(1);
    expect(await web.app.deps.tickets.countTickets({})).toBe(1);
    expect(await web.app.deps.tickets.listMessages(results[0]?.ticket.id ?? 0, { includeInternal: true })).toHaveLength(3);
  });

  test('ingesting one file updates only that file; an empty folder is refused instead of wiping the knowledge base', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kb-hard-'));
    try {
      writeFileSync(join(dir, 'a.jsonl'), '{"faq_id":"a1","question":"发票怎么开","answer":"签收后申请"}\n');
      writeFileSync(join(dir, 'b.jsonl'), '{"faq_id":"b1","question":"多久发货","answer":"24小时内"}\n');
      await web.app.kb.ingest(dir);
      expect(web.app.kb.size).toBe(2);
      writeFileSync(join(dir, 'a.jsonl'), '{"faq_id":"a1","question":"发票怎么开","answer":"签收后在订单页申请"}\n');
      expect(await web.app.kb.ingest(join(dir, 'a.jsonl'))).toMatchObject({ updated: 1, removed: 0 });
      expect(web.app.kb.size).toBe(2);
      mkdirSync(join(dir, 'empty'));
      await expect(web.app.kb.ingest(join(dir, 'empty'))).rejects.toThrow(/no knowledge-base entries/);
      expect(web.app.kb.size).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a ticket number beyond the database range is 404, not a database error', async () => {
    expect((await http(web.base, 'GET', '/api/tickets/T-99999999999')).status).toBe(404);
  });
});

describe.each(PROVIDERS)('crossed merges on $name', (provider) => {
  test('merging A into B and B into A at once: exactly one wins, the other ticket stays open', async () => {
    const web = await startWebApp(await provider.fresh());
    try {
      const deps = web.app.deps;
      const a = await intakeMessage(deps, { platform: 'web', platformMessageId: 'x', author: { platformUserId: 'c' }, text: '快递没到', channel: 'web' });
      const b = await intakeMessage(deps, { platform: 'web', platformMessageId: 'y', author: { platformUserId: 'c' }, text: '快递还没到！', channel: 'web' });
      const li = { role: 'supervisor' as const, agentId: 'li', platform: 'api' as const };
      const results = await Promise.allSettled([mergeTicket(deps, a.ticket.id, li, b.ticket.id), mergeTicket(deps, b.ticket.id, li, a.ticket.id)]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      // The loser is told the ordinary refusal (its target is closed now), never a database error such as a deadlock.
      const lost = results.find((r) => r.status === 'rejected');
      expect(lost?.reason).toBeInstanceOf(AppError);
      expect(lost?.reason).toMatchObject({ code: 'TICKET_INVALID_TRANSITION' });
      const states = [await deps.tickets.findTicket(a.ticket.id), await deps.tickets.findTicket(b.ticket.id)];
      expect(states.filter((t) => t?.status === 'closed')).toHaveLength(1);
      expect(states.filter((t) => t?.duplicateOfId === null)).toHaveLength(1);
    } finally {
      await web.close();
    }
  });
});
