// The writes of a ticket change inside a transaction (version check, event, message, threads moved,
// notifications, the assignee's capacity), and the errors that tell a lost race from a failure.
import { AppError } from '../errors.js';
import type { NewEvent, NewMessage, NewNotification, TicketChange } from '../ports.js';
import type { Prisma } from './generated/sqlite/client.js';
import { slaPatch, statePatch } from './mappers.js';

type Tx = Prisma.TransactionClient;

/** Thrown inside a transaction to roll it back when a version check fails. */
export class VersionConflict extends Error {}

export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}

/**
 * PostgreSQL ended the transaction to let a concurrent one through (a deadlock, a serialization failure):
 * Prisma's P2034, which the driver adapter raises as a TransactionWriteConflict.
 */
export function isWriteConflict(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2034';
}

export function eventData(ticketId: number, event: NewEvent) {
  return {
    ticketId,
    action: event.action,
    actorId: event.actor.agentId ?? (event.actor.customerId === undefined ? null : `customer:${event.actor.customerId}`),
    actorRole: event.actor.role,
    platform: event.actor.platform,
    before: event.before === null ? null : JSON.stringify(event.before),
    after: event.after === null ? null : JSON.stringify(event.after),
    note: event.note ?? null,
  };
}

export function messageData(ticketId: number, m: NewMessage) {
  return {
    ticketId,
    visibility: m.visibility,
    authorKind: m.authorKind,
    authorId: m.authorId,
    authorName: m.authorName,
    platform: m.platform,
    platformMessageId: m.platformMessageId,
    body: m.body,
    ...(m.attachments?.length
      ? { attachments: { create: m.attachments.map((a) => ({ ticketId, url: a.url, name: a.name ?? null, contentType: a.contentType ?? null })) } }
      : {}),
  };
}

export function notificationData(n: NewNotification) {
  return {
    dedupeKey: n.dedupeKey,
    ticketId: n.ticketId,
    kind: n.kind,
    audience: n.audience,
    recipientId: n.recipientId,
    destination: n.destination,
    payload: JSON.stringify(n.message),
    createdAt: n.at,
    nextAttemptAt: n.at,
  };
}

/**
 * The agent's capacity check: the update takes the agent's row lock (PostgreSQL; SQLite has one writer),
 * so two processes assigning to one agent count one after the other.
 */
async function checkCapacity(tx: Tx, ticketId: number, capacity: NonNullable<TicketChange['capacity']>): Promise<void> {
  const { agentId, statuses } = capacity;
  const agent = await tx.agent.update({ where: { id: agentId }, data: { updatedAt: new Date() }, select: { maxLoad: true } });
  const held = await tx.ticket.count({ where: { assigneeId: agentId, status: { in: [...statuses] }, id: { not: ticketId } } });
  if (held >= agent.maxLoad) {
    throw new AppError('AGENT_AT_CAPACITY', { message: `${agentId} holds ${held} of at most ${agent.maxLoad} tickets`, details: { agentId, held } });
  }
}

export async function applyInTx(tx: Tx, change: TicketChange): Promise<void> {
  if (change.capacity) await checkCapacity(tx, change.ticketId, change.capacity);
  const data = { ...statePatch(change.next), ...(change.sla ? slaPatch(change.sla) : {}) };
  const { count } = await tx.ticket.updateMany({ where: { id: change.ticketId, version: change.expectedVersion }, data });
  if (count === 0) throw new VersionConflict();
  await tx.ticketEvent.create({ data: eventData(change.ticketId, change.event) });
  if (change.message) await tx.message.create({ data: messageData(change.ticketId, change.message) });
  if (change.takeConversationsFrom !== undefined) {
    await tx.ticketConversation.updateMany({ where: { ticketId: change.takeConversationsFrom }, data: { ticketId: change.ticketId } });
  }
  for (const n of change.notifications ?? []) {
    // The same cause queued before (a reminder re-armed by an edge case): once is enough.
    if (await tx.notification.findUnique({ where: { dedupeKey: n.dedupeKey }, select: { id: true } })) continue;
    await tx.notification.create({ data: notificationData(n) });
  }
}
