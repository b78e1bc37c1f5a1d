import type { AgentRecord } from '../ports.js';
import { formatTicketNumber } from '../tickets/ticket-number.js';
import type { Platform, Priority, Role, Sentiment, SlaState, Status, Ticket, TicketEventRecord, TicketMessage, TicketState } from '../tickets/types.js';
import type { Agent, Message, OrderRef, TicketEvent, Ticket as TicketRow } from './generated/sqlite/client.js';

export function parseJsonList(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.map(String) : [];
  } catch {
    return [];
  }
}

function parseJsonObject(text: string | null): Record<string, unknown> | null {
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function toTicket(row: TicketRow & { orders?: OrderRef[] }): Ticket {
  return {
    id: row.id,
    number: formatTicketNumber(row.id),
    title: row.title,
    description: row.description,
    status: row.status as Status,
    category: row.category,
    priority: row.priority as Priority,
    sentiment: row.sentiment as Sentiment,
    language: row.language === 'en' ? 'en' : 'zh',
    channel: row.channel as Platform,
    customerId: row.customerId,
    teamId: row.teamId,
    assigneeId: row.assigneeId,
    tags: parseJsonList(row.tags),
    reboundCount: row.reboundCount,
    duplicateOfId: row.duplicateOfId,
    closeReason: row.closeReason,
    csat: row.csat,
    accessKey: row.accessKey,
    customerTier: row.customerTier,
    triageConfidence: row.triageConfidence,
    sla: toSla(row),
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    assignedAt: row.assignedAt,
    firstResponseAt: row.firstResponseAt,
    awaitingReplySince: row.awaitingReplySince,
    pendingSince: row.pendingSince,
    resolvedAt: row.resolvedAt,
    closedAt: row.closedAt,
    orderNumbers: (row.orders ?? []).map((o) => o.orderNumber),
  };
}

function parseStages(text: string): Record<string, string> {
  const value = parseJsonObject(text);
  return value ? Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string')) : {};
}

export function toSla(row: TicketRow): SlaState {
  return {
    firstResponseMs: row.slaFirstResponseMs,
    resolutionMs: row.slaResolutionMs,
    nextResponseMs: row.slaNextResponseMs,
    firstResponseDueAt: row.firstResponseDueAt,
    resolutionDueAt: row.resolutionDueAt,
    nextResponseDueAt: row.nextResponseDueAt,
    startedAt: row.slaStartedAt,
    pausedSince: row.slaPausedSince,
    pausedMs: row.slaPausedMs,
    firstResponseBreachedAt: row.firstResponseBreachedAt,
    resolutionBreachedAt: row.resolutionBreachedAt,
    nextResponseBreachedAt: row.nextResponseBreachedAt,
    stages: parseStages(row.slaStages),
    nextCheckAt: row.slaNextCheckAt,
  };
}

/** The SLA columns. */
export function slaPatch(sla: SlaState) {
  return {
    slaFirstResponseMs: sla.firstResponseMs,
    slaResolutionMs: sla.resolutionMs,
    slaNextResponseMs: sla.nextResponseMs,
    firstResponseDueAt: sla.firstResponseDueAt,
    resolutionDueAt: sla.resolutionDueAt,
    nextResponseDueAt: sla.nextResponseDueAt,
    slaStartedAt: sla.startedAt,
    slaPausedSince: sla.pausedSince,
    slaPausedMs: sla.pausedMs,
    firstResponseBreachedAt: sla.firstResponseBreachedAt,
    resolutionBreachedAt: sla.resolutionBreachedAt,
    nextResponseBreachedAt: sla.nextResponseBreachedAt,
    slaStages: JSON.stringify(sla.stages),
    slaNextCheckAt: sla.nextCheckAt,
  };
}

/** The columns a lifecycle change may write. */
export function statePatch(next: TicketState) {
  return {
    status: next.status,
    assigneeId: next.assigneeId,
    teamId: next.teamId,
    category: next.category,
    priority: next.priority,
    reboundCount: next.reboundCount,
    duplicateOfId: next.duplicateOfId,
    closeReason: next.closeReason,
    version: next.version,
    assignedAt: next.assignedAt,
    firstResponseAt: next.firstResponseAt,
    awaitingReplySince: next.awaitingReplySince,
    pendingSince: next.pendingSince,
    resolvedAt: next.resolvedAt,
    closedAt: next.closedAt,
  };
}

export function toMessage(row: Message): TicketMessage {
  return {
    id: row.id,
    ticketId: row.ticketId,
    visibility: row.visibility === 'internal' ? 'internal' : 'public',
    authorKind: row.authorKind as TicketMessage['authorKind'],
    authorId: row.authorId,
    authorName: row.authorName,
    platform: row.platform as Platform,
    platformMessageId: row.platformMessageId,
    body: row.body,
    createdAt: row.createdAt,
  };
}

export function toEvent(row: TicketEvent): TicketEventRecord {
  return {
    id: row.id,
    ticketId: row.ticketId,
    action: row.action,
    actorId: row.actorId,
    actorRole: row.actorRole as Role,
    platform: row.platform as Platform,
    before: parseJsonObject(row.before),
    after: parseJsonObject(row.after),
    note: row.note,
    createdAt: row.createdAt,
  };
}

export function toAgent(row: Agent): AgentRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role as AgentRecord['role'],
    teamId: row.teamId,
    skills: parseJsonList(row.skills),
    languages: parseJsonList(row.languages),
    onDuty: row.onDuty,
    maxLoad: row.maxLoad,
    autoAssign: row.autoAssign,
    active: row.active,
  };
}
