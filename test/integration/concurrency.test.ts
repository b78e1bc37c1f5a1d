import { afterEach, describe, expect, test } from 'vitest';
import type { AppConfig } from '../../core/config.js';
import { AppError } from '../../core/errors.js';
import { intakeMessage } from '../../core/tickets/intake-message.js';
import { claimTicket, closeTicket } from '../../core/tickets/ticket-actions.js';
import type { Actor } from '../../core/tickets/types.js';
import { defaultConfig, makeCore, type TestCore } from '../helpers/core.js';
import { PROVIDERS } from '../helpers/databases.js';

/** The default config plus 50 agents, so that 50 different people can race for one ticket. */
const raceConfig: AppConfig = {
  ...defaultConfig,
  agents: [
    ...defaultConfig.agents,
    ...Array.from({ length: 50 }, (_, i) => ({
      id: `racer-${i}`,
      name: `Racer ${i}`,
      role: 'agent' as const,
      team: 'after-sales',
      skills: [],
      languages: ['zh' as const],
      maxLoad: 10,
      onDuty: true,
      identities: [],
    })),
  ],
};

const inbound = (id: string, customer = 'c-1', text = '我的快递三天没动了 1234567890123456789') => ({
  platform: 'web' as const,
  platformMessageId: id,
  author: { platformUserId: customer, name: '顾客' },
  text,
  channel: 'web' as const,
});

describe.each(PROVIDERS)('concurrency on $name', (provider) => {
  let core: TestCore | undefined;
  afterEach(async () => {
    await core?.close();
    core = undefined;
  });

  test('50 concurrent claims of one ticket: exactly one winner, every other claimer is told who won', async () => {
    core = await makeCore(await provider.fresh(), raceConfig);
    const deps = core.deps;
    const { ticket } = await intakeMessage(deps, inbound('race-1'));
    const racers: Actor[] = Array.from({ length: 50 }, (_, i) => ({ role: 'agent', agentId: `racer-${i}`, name: `Racer ${i}`, platform: 'api' }));
    const results = await Promise.allSettled(racers.map((actor) => claimTicket(deps, ticket.id, actor)));

    const winners = results.filter((r) => r.status === 'fulfilled');
    const losers = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(49);
    const winner = (await deps.tickets.findTicket(ticket.id))?.assigneeId;
    expect(winner).toMatch(/^racer-\d+$/);
    for (const loser of losers) {
      expect(loser.reason).toBeInstanceOf(AppError);
      expect((loser.reason as AppError).code).toBe('TICKET_ALREADY_CLAIMED');
      expect((loser.reason as AppError).userMessage.params?.assignee).toBe(winner);
    }
    const claims = (await deps.tickets.listEvents(ticket.id)).filter((e) => e.action === 'claim');
    expect(claims).toHaveLength(1);
    expect(claims[0]?.actorId).toBe(winner);
  });

  test('the same message delivered 100 times at once makes one ticket and one message', async () => {
    core = await makeCore(await provider.fresh());
    const deps = core.deps;
    const results = await Promise.all(Array.from({ length: 100 }, () => intakeMessage(deps, inbound('dup-1'))));
    expect(new Set(results.map((r) => r.ticket.id)).size).toBe(1);
    expect(results.filter((r) => r.outcome === 'created')).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'duplicate')).toHaveLength(99);
    expect(await deps.tickets.countTickets({})).toBe(1);
    const id = results[0]?.ticket.id ?? 0;
    expect(await deps.tickets.listMessages(id, { includeInternal: true })).toHaveLength(1);
    expect((await deps.tickets.listEvents(id)).filter((e) => e.action === 'create')).toHaveLength(1);
    expect(await core.database.db.customer.count()).toBe(1);
  });

  test('the same message delivered again later returns the same ticket unchanged', async () => {
    core = await makeCore(await provider.fresh());
    const first = await intakeMessage(core.deps, inbound('dup-2'));
    for (let i = 0; i < 100; i++) {
      const again = await intakeMessage(core.deps, inbound('dup-2'));
      expect(again).toMatchObject({ outcome: 'duplicate', ticket: { id: first.ticket.id, version: first.ticket.version } });
    }
    expect(await core.deps.tickets.countTickets({})).toBe(1);
  });

  test('different messages from one new customer at once: every message kept, one customer record', async () => {
    core = await makeCore(await provider.fresh());
    const deps = core.deps;
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => intakeMessage(deps, inbound(`multi-${i}`, 'c-new', `问题 ${i}：发票什么时候开？`))));
    expect(results.every((r) => r.outcome === 'created')).toBe(true);
    expect(new Set(results.map((r) => r.ticket.id)).size).toBe(10);
    expect(await core.database.db.customer.count()).toBe(1);
    expect(await core.database.db.customerIdentity.count()).toBe(1);
  });

  test("messages at once in a closed ticket's thread open one follow-up, which keeps them all", async () => {
    core = await makeCore(await provider.fresh());
    const deps = core.deps;
    const thread = { platform: 'wechat' as const, workspaceId: '', channelId: 'room-7', threadId: 'room-7', messageId: 'w-0' };
    const say = (id: string, text: string) =>
      intakeMessage(deps, { platform: 'wechat', platformMessageId: id, conversation: thread, author: { platformUserId: 'wx-7' }, text, channel: 'wechat' });
    const first = await say('w-0', '退货地址是哪里？');
    await closeTicket(deps, first.ticket.id, { role: 'supervisor', agentId: 'li', platform: 'api' }, 'answered');
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => say(`w-${i + 1}`, `还有问题 ${i}：退款没到账`)));
    const followUps = new Set(results.map((r) => r.ticket.id));
    expect(followUps.size).toBe(1);
    const [followUp] = [...followUps];
    expect(followUp).not.toBe(first.ticket.id);
    expect(results.filter((r) => r.outcome === 'created')).toHaveLength(1);
    expect(await deps.tickets.countTickets({})).toBe(2);
    expect((await deps.tickets.findTicketByConversation(thread))?.id).toBe(followUp);
    expect(await deps.tickets.listMessages(followUp ?? 0, { includeInternal: false })).toHaveLength(8);
  });
});
