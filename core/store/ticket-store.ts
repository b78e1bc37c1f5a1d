import { AppError } from '../errors.js';
import { type FieldCipher, PLAIN_FIELDS } from '../field-cipher.js';
import type { AgentLoad, NewMessage, NewNotification, NewTicket, TicketChange, TicketListFilter, TicketStore } from '../ports.js';
import type { ConversationRef, LinkedConversation, Platform, Ticket, TicketEventRecord, TicketMessage } from '../tickets/types.js';
import { readAssigneeLoads } from './agent-loads.js';
import { upsertCustomer } from './customer-rows.js';
import type { Db } from './database.js';
import type { OrderRef, Prisma } from './generated/sqlite/client.js';
import { slaPatch, toEvent, toMessage, toTicket } from './mappers.js';
import { applyInTx, eventData, isUniqueViolation, isWriteConflict, messageData, notificationData, VersionConflict } from './ticket-writes.js';

const withOrders = { orders: { orderBy: { id: 'asc' } } } as const;
/** Tickets whose order references one statement reads: well under SQLite's 999 bound parameters. */
const ORDER_CHUNK = 500;

/** TicketStore on Prisma (SQLite or PostgreSQL). */
export class PrismaTicketStore implements TicketStore {
  constructor(
    private readonly db: Db,
    /** Seals customers' phone numbers and e-mail addresses (stored as given without keys). */
    private readonly cipher: FieldCipher = PLAIN_FIELDS,
  ) {}

  async findTicket(id: number): Promise<Ticket | null> {
    const row = await this.db.ticket.findUnique({ where: { id }, include: withOrders });
    return row ? toTicket(row) : null;
  }

  async findTicketByMessage(platform: Platform, platformMessageId: string): Promise<Ticket | null> {
    const msg = await this.db.message.findUnique({ where: { platform_platformMessageId: { platform, platformMessageId } }, select: { ticketId: true } });
    return msg ? this.findTicket(msg.ticketId) : null;
  }

  async findMessage(platform: Platform, platformMessageId: string): Promise<TicketMessage | null> {
    const row = await this.db.message.findUnique({ where: { platform_platformMessageId: { platform, platformMessageId } } });
    return row ? toMessage(row) : null;
  }

  async findTicketByConversation(ref: ConversationRef): Promise<Ticket | null> {
    const conv = await this.db.ticketConversation.findUnique({
      where: {
        platform_workspaceId_channelId_threadId: { platform: ref.platform, workspaceId: ref.workspaceId, channelId: ref.channelId, threadId: ref.threadId },
      },
      select: { ticketId: true },
    });
    return conv ? this.findTicket(conv.ticketId) : null;
  }

  async createTicket(input: NewTicket): Promise<{ ticket: Ticket; created: boolean }> {
    // A unique violation means a concurrent writer got there first: either the same delivery (return its
    // ticket) or the same new customer (their identity exists now, so the next attempt links to it).
    for (let attempt = 1; ; attempt++) {
      try {
        return { ticket: await this.insertTicket(input), created: true };
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= 3) throw error;
        const id = input.firstMessage.platformMessageId;
        const existing = id ? await this.findTicketByMessage(input.firstMessage.platform, id) : null;
        if (existing) return { ticket: existing, created: false };
        if (input.conversation && (await this.findTicketByConversation(input.conversation))) {
          // Another first message in the same new thread won: the caller appends to that ticket instead.
          throw new AppError('TICKET_CONFLICT', { message: 'thread was linked to a ticket meanwhile', details: 'conversation' });
        }
      }
    }
  }

  private insertTicket(input: NewTicket): Promise<Ticket> {
    return this.db.$transaction(async (tx) => {
      const customerId = input.customer ? await upsertCustomer(tx, input.customer, this.cipher) : null;
      const row = await tx.ticket.create({
        data: {
          title: input.title,
          description: input.description,
          category: input.category,
          priority: input.priority,
          sentiment: input.sentiment,
          language: input.language,
          channel: input.channel,
          teamId: input.teamId,
          customerId,
          accessKey: input.accessKey,
          customerTier: input.customerTier,
          triageConfidence: input.triageConfidence ?? null,
          createdAt: input.createdAt,
          ...slaPatch(input.sla),
          orders: { create: [...new Set(input.orderNumbers)].map((orderNumber) => ({ orderNumber })) },
          ...(input.conversation ? { conversations: { create: { ...input.conversation } } } : {}),
        },
      });
      if (input.takeOver) {
        const { platform, workspaceId, channelId, threadId } = input.takeOver.conversation;
        const { count } = await tx.ticketConversation.updateMany({
          where: { platform, workspaceId, channelId, threadId, ticketId: input.takeOver.fromTicketId },
          data: { ticketId: row.id },
        });
        if (count === 0) throw new AppError('TICKET_CONFLICT', { message: 'thread was taken over by another follow-up', details: 'conversation' });
      }
      await tx.message.create({ data: messageData(row.id, input.firstMessage) });
      // A first-time customer has an id only now: name them in the event.
      const actor = input.actor.role === 'customer' && customerId !== null ? { ...input.actor, customerId } : input.actor;
      await tx.ticketEvent.create({
        data: eventData(row.id, {
          action: 'create',
          actor,
          before: null,
          after: { status: 'new', category: input.category, priority: input.priority, teamId: input.teamId },
        }),
      });
      const full = await tx.ticket.findUniqueOrThrow({ where: { id: row.id }, include: withOrders });
      return toTicket(full);
    });
  }

  async applyChange(change: TicketChange): Promise<Ticket | null> {
    return (await this.applyChanges([change])) ? this.findTicket(change.ticketId) : null;
  }

  async applyChanges(changes: TicketChange[]): Promise<boolean> {
    // Rows in id order: two writes on the same tickets (crossed merges, A into B and B into A) queue on the
    // first row instead of each holding one and waiting for the other, and the second then fails its version check.
    // The sort is stable: successive changes to one ticket (SLA stages, version after version) keep their order.
    const ordered = [...changes].sort((a, b) => a.ticketId - b.ticketId);
    try {
      await this.db.$transaction(async (tx) => {
        for (const change of ordered) await applyInTx(tx, change);
      });
      return true;
    } catch (error) {
      // A unique violation here is a notification another process queued meanwhile; a write conflict is a race
      // the database settled for us (rows locked elsewhere in another order). Either way: re-read and decide again.
      if (error instanceof VersionConflict || isUniqueViolation(error) || isWriteConflict(error)) return false;
      throw error;
    }
  }

  async addMessage(
    ticketId: number,
    message: NewMessage,
    change?: TicketChange,
    notifications: NewNotification[] = [],
    atVersion?: number,
  ): Promise<{ message: TicketMessage; duplicate: boolean } | null> {
    const lookup = async () => {
      const seen = message.platformMessageId ? await this.findMessage(message.platform, message.platformMessageId) : null;
      return seen ? { message: seen, duplicate: true } : null;
    };
    const seen = await lookup();
    if (seen) return seen;
    try {
      const row = await this.db.$transaction(async (tx) => {
        // The ticket's row first: messages on one ticket are numbered in the order their changes commit.
        if (change) await applyInTx(tx, change);
        else if (atVersion !== undefined) {
          // A no-op write: checks the version and holds the ticket's row until the message is in.
          const { count } = await tx.ticket.updateMany({ where: { id: ticketId, version: atVersion }, data: { version: atVersion } });
          if (count === 0) throw new VersionConflict();
        }
        const created = await tx.message.create({ data: messageData(ticketId, message) });
        for (const n of notifications) await tx.notification.create({ data: notificationData(n) });
        return created;
      });
      return { message: toMessage(row), duplicate: false };
    } catch (error) {
      if (error instanceof VersionConflict) return null;
      if (isUniqueViolation(error)) {
        const dup = await lookup();
        if (dup) return dup;
      }
      throw error;
    }
  }

  /** Links a thread to a ticket; a thread already linked elsewhere moves to this ticket (a follow-up). */
  async linkConversation(ticketId: number, ref: ConversationRef): Promise<void> {
    const key = { platform: ref.platform, workspaceId: ref.workspaceId, channelId: ref.channelId, threadId: ref.threadId };
    await this.db.ticketConversation.upsert({
      where: { platform_workspaceId_channelId_threadId: key },
      create: { ticketId, ...ref },
      update: { ticketId },
    });
  }

  async listConversations(ticketId: number, platform?: Platform): Promise<LinkedConversation[]> {
    const rows = await this.db.ticketConversation.findMany({ where: { ticketId, ...(platform ? { platform } : {}) }, orderBy: { id: 'asc' } });
    return rows.map((r) => ({
      platform: r.platform as Platform,
      workspaceId: r.workspaceId,
      channelId: r.channelId,
      threadId: r.threadId,
      messageId: r.messageId,
      cardMessageId: r.cardMessageId,
    }));
  }

  async setCardMessage(ref: ConversationRef, cardMessageId: string): Promise<void> {
    const key = { platform: ref.platform, workspaceId: ref.workspaceId, channelId: ref.channelId, threadId: ref.threadId };
    await this.db.ticketConversation.update({ where: { platform_workspaceId_channelId_threadId: key }, data: { cardMessageId } });
  }

  private where(filter: TicketListFilter): Prisma.TicketWhereInput {
    return {
      ...(filter.statuses ? { status: { in: [...filter.statuses] } } : {}),
      ...(filter.assigneeId !== undefined ? { assigneeId: filter.assigneeId } : {}),
      ...(filter.teamId !== undefined ? { teamId: filter.teamId } : {}),
      ...(filter.customerId !== undefined ? { customerId: filter.customerId } : {}),
      ...(filter.unassigned ? { assigneeId: null } : {}),
      ...(filter.createdSince ? { createdAt: { gte: filter.createdSince } } : {}),
      ...(filter.resolvedSince ? { resolvedAt: { gte: filter.resolvedSince } } : {}),
      ...(filter.closedSince ? { closedAt: { gte: filter.closedSince } } : {}),
    };
  }

  async listTickets(filter: TicketListFilter): Promise<Ticket[]> {
    const rows = await this.db.ticket.findMany({
      where: this.where(filter),
      orderBy: [{ priority: 'asc' }, { id: 'asc' }],
      take: filter.limit ?? 50,
      skip: filter.offset ?? 0,
    });
    // The order references apart, a chunk of tickets at a time: an `include` binds every ticket id in one
    // statement, and beyond 999 (a long queue, a busy day) SQLite refuses it (P2029).
    const orders = new Map<number, OrderRef[]>();
    for (let i = 0; i < rows.length; i += ORDER_CHUNK) {
      const ids = rows.slice(i, i + ORDER_CHUNK).map((r) => r.id);
      for (const o of await this.db.orderRef.findMany({ where: { ticketId: { in: ids } }, orderBy: { id: 'asc' } })) {
        const held = orders.get(o.ticketId);
        if (held) held.push(o);
        else orders.set(o.ticketId, [o]);
      }
    }
    return rows.map((r) => toTicket({ ...r, orders: orders.get(r.id) ?? [] }));
  }

  countTickets(filter: TicketListFilter): Promise<number> {
    return this.db.ticket.count({ where: this.where(filter) });
  }

  async anyTicket(filter: TicketListFilter): Promise<boolean> {
    return (await this.db.ticket.findFirst({ where: this.where(filter), select: { id: true } })) !== null;
  }

  assigneeLoads(opts: { includePending: boolean }): Promise<Map<string, AgentLoad>> {
    return readAssigneeLoads(this.db, opts);
  }

  async listSlaDue(until: Date, limit: number, after?: { at: Date; id: number }): Promise<{ id: number; nextCheckAt: Date }[]> {
    const page = after ? { OR: [{ slaNextCheckAt: { gt: after.at } }, { slaNextCheckAt: after.at, id: { gt: after.id } }] } : {};
    const rows = await this.db.ticket.findMany({
      where: { slaNextCheckAt: { lte: until }, status: { not: 'closed' }, ...page },
      select: { id: true, slaNextCheckAt: true },
      orderBy: [{ slaNextCheckAt: 'asc' }, { id: 'asc' }],
      take: limit,
    });
    return rows.flatMap((r) => (r.slaNextCheckAt ? [{ id: r.id, nextCheckAt: r.slaNextCheckAt }] : []));
  }

  async listUnclocked(afterId: number, limit: number): Promise<Ticket[]> {
    const rows = await this.db.ticket.findMany({
      where: { id: { gt: afterId }, status: { not: 'closed' }, slaFirstResponseMs: null, slaResolutionMs: null, slaNextResponseMs: null },
      include: withOrders,
      orderBy: { id: 'asc' },
      take: limit,
    });
    return rows.map(toTicket);
  }

  async listClocked(afterId: number, limit: number): Promise<Ticket[]> {
    const rows = await this.db.ticket.findMany({
      where: {
        id: { gt: afterId },
        status: { not: 'closed' },
        OR: [{ slaFirstResponseMs: { not: null } }, { slaResolutionMs: { not: null } }, { slaNextResponseMs: { not: null } }],
      },
      include: withOrders,
      orderBy: { id: 'asc' },
      take: limit,
    });
    return rows.map(toTicket);
  }

  async getSetting(key: string): Promise<string | null> {
    return (await this.db.setting.findUnique({ where: { key } }))?.value ?? null;
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.db.setting.upsert({ where: { key }, create: { key, value }, update: { value } });
  }

  async initSetting(key: string, value: string): Promise<string> {
    try {
      await this.db.setting.create({ data: { key, value } });
      return value;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return (await this.db.setting.findUniqueOrThrow({ where: { key } })).value;
    }
  }

  async listSlaTimers(afterId: number, limit: number): Promise<{ id: number; version: number; nextCheckAt: Date }[]> {
    const rows = await this.db.ticket.findMany({
      where: { id: { gt: afterId }, slaNextCheckAt: { not: null }, status: { not: 'closed' } },
      select: { id: true, version: true, slaNextCheckAt: true },
      orderBy: { id: 'asc' },
      take: limit,
    });
    return rows.flatMap((r) => (r.slaNextCheckAt ? [{ id: r.id, version: r.version, nextCheckAt: r.slaNextCheckAt }] : []));
  }

  async teamsWithQueue(): Promise<string[]> {
    const rows = await this.db.ticket.groupBy({ by: ['teamId'], where: { status: 'new', assigneeId: null, teamId: { not: null } } });
    return rows.flatMap((r) => (r.teamId ? [r.teamId] : []));
  }

  async listMessages(ticketId: number, opts: { includeInternal: boolean }): Promise<TicketMessage[]> {
    const rows = await this.db.message.findMany({
      where: { ticketId, ...(opts.includeInternal ? {} : { visibility: 'public' }) },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    return rows.map(toMessage);
  }

  async listEvents(ticketId: number): Promise<TicketEventRecord[]> {
    const rows = await this.db.ticketEvent.findMany({ where: { ticketId }, orderBy: { id: 'asc' } });
    return rows.map(toEvent);
  }
}
