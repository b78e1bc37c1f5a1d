import { z } from 'zod';

export const STATUSES = ['new', 'assigned', 'in_progress', 'pending_customer', 'resolved', 'closed'] as const;
export const OPEN_STATUSES = ['new', 'assigned', 'in_progress', 'pending_customer'] as const;
/** Open and not waiting on the customer: an agent owes the customer an answer. */
export const WORKING_STATUSES: ReadonlySet<string> = new Set(['new', 'assigned', 'in_progress']);
export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export const ROLES = ['customer', 'agent', 'supervisor', 'admin', 'system'] as const;
export const SENTIMENTS = ['negative', 'neutral', 'positive'] as const;
export const PLATFORMS = ['web', 'email', 'phone', 'order-system', 'slack', 'discord', 'wechat', 'cli', 'api', 'system'] as const;

export const ZStatus = z.enum(STATUSES);
export const ZPriority = z.enum(PRIORITIES);
export const ZRole = z.enum(ROLES);
export const ZPlatform = z.enum(PLATFORMS);

export type Status = z.infer<typeof ZStatus>;
export type Priority = z.infer<typeof ZPriority>;
export type Role = z.infer<typeof ZRole>;
export type Sentiment = (typeof SENTIMENTS)[number];
export type Platform = z.infer<typeof ZPlatform>;

/** Who is acting. Agents carry their agent id, customers their customer id. */
export interface Actor {
  role: Role;
  agentId?: string | undefined;
  customerId?: number | undefined;
  name?: string | undefined;
  platform: Platform;
}

export const SYSTEM_ACTOR: Actor = { role: 'system', platform: 'system', name: 'ticketbot' };

/** A chat location. Platform ids live here, never as ticket ids. */
export interface ConversationRef {
  platform: Platform;
  workspaceId: string;
  channelId: string;
  threadId: string;
  messageId: string;
}

/** A thread linked to a ticket, with the bot's ticket card in it ('' until one is posted). */
export interface LinkedConversation extends ConversationRef {
  cardMessageId: string;
}

/** The part of a ticket that the lifecycle reads and changes. */
export interface TicketState {
  id: number;
  status: Status;
  assigneeId: string | null;
  teamId: string | null;
  customerId: number | null;
  category: string;
  priority: Priority;
  reboundCount: number;
  duplicateOfId: number | null;
  closeReason: string | null;
  version: number;
  assignedAt: Date | null;
  firstResponseAt: Date | null;
  /** Since when the customer has been waiting for an answer to a message written after the first response (the next-response clock). */
  awaitingReplySince: Date | null;
  pendingSince: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
}

/** A ticket's SLA clocks (core/sla): targets in business milliseconds, deadlines, pause, breaches, fired reminder stages. */
export interface SlaState {
  firstResponseMs: number | null;
  resolutionMs: number | null;
  /** The next-response target (null: not tracked), fixed like the others. */
  nextResponseMs: number | null;
  firstResponseDueAt: Date | null;
  resolutionDueAt: Date | null;
  /** When the agent's answer to the customer's waiting message is due (null: nobody is waiting). */
  nextResponseDueAt: Date | null;
  /** When the clocks started, if not at the ticket's creation (given clocks later by the backfill). */
  startedAt: Date | null;
  /** Set while the resolution clock stands still (waiting on the customer, resolved, closed). */
  pausedSince: Date | null;
  /** Business time the resolution clock left out so far: paused, and everything before a reopen. */
  pausedMs: number;
  firstResponseBreachedAt: Date | null;
  resolutionBreachedAt: Date | null;
  /** When a next-response deadline was last missed (kept after the answer, for the record). */
  nextResponseBreachedAt: Date | null;
  /** Reminder stages already fired: stage → ISO time it was due. */
  stages: Record<string, string>;
  /** When the next stage falls due; null when nothing is left to watch. */
  nextCheckAt: Date | null;
}

export interface Ticket extends TicketState {
  number: string;
  title: string;
  description: string;
  sentiment: Sentiment;
  language: 'zh' | 'en';
  channel: Platform;
  tags: string[];
  csat: number | null;
  /** Shown to the requester once: with it, the public lookup shows the conversation. */
  accessKey: string;
  /** The customer's tier when the ticket was opened. */
  customerTier: string;
  /** The classifier's confidence (0–1) in the category and priority it gave at intake (null: unknown). */
  triageConfidence: number | null;
  sla: SlaState;
  createdAt: Date;
  updatedAt: Date;
  orderNumbers: string[];
}

export interface TicketMessage {
  id: number;
  ticketId: number;
  visibility: 'public' | 'internal';
  authorKind: 'customer' | 'agent' | 'bot' | 'system';
  authorId: string | null;
  authorName: string | null;
  platform: Platform;
  platformMessageId: string | null;
  body: string;
  createdAt: Date;
}

export interface TicketEventRecord {
  id: number;
  ticketId: number;
  action: string;
  actorId: string | null;
  actorRole: Role;
  platform: Platform;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  note: string | null;
  createdAt: Date;
}
