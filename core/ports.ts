import type { AgentConfig, AppConfig } from './config.js';
import type { LocalizedText } from './i18n/translate.js';
import type {
  Actor,
  ConversationRef,
  LinkedConversation,
  Platform,
  Priority,
  Sentiment,
  SlaState,
  Status,
  Ticket,
  TicketEventRecord,
  TicketMessage,
  TicketState,
} from './tickets/types.js';

/** A customer as a platform knows them. One customer may have identities on several platforms. */
export interface CustomerIdentityInput {
  platform: Platform;
  platformUserId: string;
  name?: string | undefined;
  phone?: string | undefined;
  email?: string | undefined;
}

export interface NewMessage {
  visibility: 'public' | 'internal';
  authorKind: TicketMessage['authorKind'];
  authorId: string | null;
  authorName: string | null;
  platform: Platform;
  platformMessageId: string | null;
  body: string;
  attachments?: { url: string; name?: string | undefined; contentType?: string | undefined }[] | undefined;
}

export interface NewEvent {
  action: string;
  actor: Actor;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  note?: string | null | undefined;
}

export interface NewTicket {
  title: string;
  description: string;
  category: string;
  priority: Priority;
  sentiment: Sentiment;
  language: 'zh' | 'en';
  channel: Platform;
  teamId: string;
  customer: CustomerIdentityInput | null;
  conversation: ConversationRef | null;
  /**
   * A follow-up in a closed ticket's thread: the thread's link moves from that ticket to this one, in the
   * same transaction and only if it still points there. If another follow-up took it first, nothing is
   * created and a TICKET_CONFLICT ('conversation') is thrown: the caller appends to that follow-up.
   */
  takeOver?: { conversation: ConversationRef; fromTicketId: number } | null | undefined;
  orderNumbers: string[];
  firstMessage: NewMessage;
  actor: Actor;
  accessKey: string;
  customerTier: string;
  /** The classifier's confidence in its category and priority. */
  triageConfidence?: number | null | undefined;
  createdAt: Date;
  sla: SlaState;
}

export type NotificationAudience = 'assignee' | 'supervisor' | 'customer' | 'team';

/** A notification to send, written to the outbox in the same transaction as the change that causes it. */
export interface NewNotification {
  /** Unique per cause: the same reminder is recorded once, whoever fires it. */
  dedupeKey: string;
  ticketId: number | null;
  kind: string;
  audience: NotificationAudience;
  recipientId: string | null;
  /** Rate-limit key: the place it is posted to (`ticket:12`, `agent:lin`). */
  destination: string;
  message: LocalizedText;
  /** When it was raised (the core's clock): it is due for delivery from then. */
  at: Date;
}

/** A change computed by the lifecycle, written only if the ticket still has `expectedVersion`. */
export interface TicketChange {
  ticketId: number;
  expectedVersion: number;
  next: TicketState;
  event: NewEvent;
  /** New SLA clocks, written with the change (absent: unchanged). */
  sla?: SlaState | undefined;
  /** Notifications caused by the change, queued in the same transaction. */
  notifications?: NewNotification[] | undefined;
  /**
   * Checked in the write, one at a time per agent across processes: the agent holds fewer tickets in
   * these statuses (this one aside) than their max load; else the change fails with AGENT_AT_CAPACITY.
   */
  capacity?: { agentId: string; statuses: readonly Status[] } | undefined;
  /** A message stored on this ticket with the change (a merge's note on the ticket merged into). */
  message?: NewMessage | undefined;
  /**
   * The threads linked to that ticket move to this one with the change (a merge: the duplicate's customer
   * goes on talking to the ticket it was merged into, and replies on it reach their thread).
   */
  takeConversationsFrom?: number | undefined;
}

export type TicketListFilter = {
  statuses?: readonly Status[] | undefined;
  assigneeId?: string | undefined;
  teamId?: string | undefined;
  customerId?: number | undefined;
  /** Only tickets nobody owns. */
  unassigned?: boolean | undefined;
  /** Opened at or after this instant. */
  createdSince?: Date | undefined;
  /** Resolved at or after this instant (a reopened ticket counts by its latest resolution). */
  resolvedSince?: Date | undefined;
  /** Closed at or after this instant. */
  closedSince?: Date | undefined;
  limit?: number | undefined;
  /** Skips this many of the matches, in the list's order (paging). */
  offset?: number | undefined;
};

/** An agent's routing load. */
export interface AgentLoad {
  /** Open tickets the agent holds. */
  open: number;
  /** When the agent was last given a ticket (round-robin among equals). */
  lastAssignedAt: Date | null;
}

/** Durable ticket storage. Every write that changes a ticket also appends its event in the same transaction. */
export interface TicketStore {
  findTicket(id: number): Promise<Ticket | null>;
  /** The ticket that holds the message with this platform id (idempotency of deliveries). */
  findTicketByMessage(platform: Platform, platformMessageId: string): Promise<Ticket | null>;
  /** The message stored with this platform id, if any (one at most: the pair is unique). */
  findMessage(platform: Platform, platformMessageId: string): Promise<TicketMessage | null>;
  /** The ticket linked to a chat thread, if any. */
  findTicketByConversation(ref: ConversationRef): Promise<Ticket | null>;
  /** Creates ticket, customer link, conversation, first message and event at once. If the first message's platform id was already stored (a concurrent duplicate delivery), returns that ticket with `created: false`. */
  createTicket(input: NewTicket): Promise<{ ticket: Ticket; created: boolean }>;
  /** Applies a lifecycle change if the version still matches; null when someone else changed the ticket first. */
  applyChange(change: TicketChange): Promise<Ticket | null>;
  /**
   * Applies several changes in one transaction, all or none; false when any version check fails or the
   * write lost a race to a concurrent one on the same tickets (rows are taken in id order).
   */
  applyChanges(changes: TicketChange[]): Promise<boolean>;
  /**
   * Adds a message (and applies `change`, queues `notifications`) in one transaction, idempotent by
   * platform message id (`duplicate` when it was already stored). Null when the change lost a version
   * race, or, without a change, when the ticket is no longer at `atVersion` (a decision read it there).
   */
  addMessage(
    ticketId: number,
    message: NewMessage,
    change?: TicketChange,
    notifications?: NewNotification[],
    atVersion?: number,
  ): Promise<{ message: TicketMessage; duplicate: boolean } | null>;
  /** Links a thread to a ticket; a thread already linked to another ticket moves to this one. */
  linkConversation(ticketId: number, ref: ConversationRef): Promise<void>;
  /** The threads linked to a ticket, oldest first (optionally on one platform only). */
  listConversations(ticketId: number, platform?: Platform): Promise<LinkedConversation[]>;
  /** Records the bot's ticket card in a linked thread (chat adapters update it in place). */
  setCardMessage(ref: ConversationRef, cardMessageId: string): Promise<void>;
  listTickets(filter: TicketListFilter): Promise<Ticket[]>;
  listMessages(ticketId: number, opts: { includeInternal: boolean }): Promise<TicketMessage[]>;
  listEvents(ticketId: number): Promise<TicketEventRecord[]>;
  countTickets(filter: TicketListFilter): Promise<number>;
  /** Whether any ticket matches (reads at most one row, unlike a count). */
  anyTicket(filter: TicketListFilter): Promise<boolean>;
  /** Open tickets per agent and when each was last given one (routing). */
  assigneeLoads(opts: { includePending: boolean }): Promise<Map<string, AgentLoad>>;
  /**
   * Tickets whose next SLA stage is due by `until` (id and due time only: the check re-reads each one),
   * soonest first; `after` pages on from the last one seen.
   */
  listSlaDue(until: Date, limit: number, after?: { at: Date; id: number } | undefined): Promise<{ id: number; nextCheckAt: Date }[]>;
  /** Open tickets without SLA targets (opened before SLA clocks existed, or under a policy without targets), by id after `afterId`. */
  listUnclocked(afterId: number, limit: number): Promise<Ticket[]>;
  /** Open (not closed) tickets with SLA clocks, by id after `afterId` (keyset paging). */
  listClocked(afterId: number, limit: number): Promise<Ticket[]>;
  /** A value the bot keeps across restarts (null: never set). */
  getSetting(key: string): Promise<string | null>;
  setSetting(key: string, value: string): Promise<void>;
  /** Stores the value unless the key has one already; returns the stored value (the first writer's, across processes). */
  initSetting(key: string, value: string): Promise<string>;
  /** Tickets with an SLA stage to watch, by id after `afterId` (paging through them to re-arm timers). */
  listSlaTimers(afterId: number, limit: number): Promise<{ id: number; version: number; nextCheckAt: Date }[]>;
  /** Teams that have unassigned new tickets waiting. */
  teamsWithQueue(): Promise<string[]>;
}

export interface AgentRecord {
  id: string;
  name: string;
  role: 'agent' | 'supervisor' | 'admin';
  teamId: string | null;
  skills: string[];
  languages: string[];
  onDuty: boolean;
  maxLoad: number;
  /** Whether routing hands them tickets. */
  autoAssign: boolean;
  active: boolean;
}

/** Teams, agents and customers. */
export interface DirectoryStore {
  /** Makes the teams and agents in the database match the config (agents missing from it are deactivated). */
  syncFromConfig(config: AppConfig): Promise<void>;
  findAgent(id: string): Promise<AgentRecord | null>;
  findAgentByIdentity(platform: Platform, platformUserId: string): Promise<AgentRecord | null>;
  listAgents(): Promise<AgentRecord[]>;
  setOnDuty(agentId: string, onDuty: boolean): Promise<void>;
  findCustomerByIdentity(platform: Platform, platformUserId: string): Promise<{ id: number; name: string | null; tier: string } | null>;
}

/** Triage result for an incoming message. */
export interface Triage {
  category: string;
  priority: Priority;
  sentiment: Sentiment;
  language: 'zh' | 'en';
  orderIds: string[];
  title: string;
  confidence: number;
}

/** Sorts an incoming message. Must not throw: an implementation that fails returns its fallback's answer. */
export interface Classifier {
  classify(text: string, context: { config: AppConfig; customerTier?: string | undefined }): Promise<Triage>;
}

// Knowledge-base, auto-answer and triage-correction ports live in knowledge-ports.ts.
export type * from './knowledge-ports.js';
export type { AgentConfig };

/** A notification in the outbox. */
export interface QueuedNotification extends NewNotification {
  id: number;
  attempts: number;
  createdAt: Date;
  sentAt: Date | null;
}

/** The notification outbox. Claims are leases, so several processes dispatch without sending one notification twice. */
export interface NotificationStore {
  /** Leases up to `limit` unsent notifications due by `now` for `leaseMs`, oldest first. */
  claimDue(now: Date, limit: number, leaseMs: number): Promise<QueuedNotification[]>;
  /**
   * Renews a lease: the unsent ones of `ids` still claimed until one of `heldUntil` (so still this
   * claim's) are claimed until `until` instead. Returns the ids renewed.
   */
  renewClaim(ids: number[], heldUntil: Date[], until: Date): Promise<number[]>;
  markSent(id: number, at: Date): Promise<void>;
  /** Releases a claim to try again at `at`; `error` is kept when the attempt failed (it counts as an attempt). */
  retryAt(id: number, at: Date, error: string | null): Promise<void>;
  /** Notifications sent to a destination since a time (rate limiting across processes). */
  countSentSince(destination: string, since: Date): Promise<number>;
  /** When the next unsent notification is due, if any. */
  nextDueAt(): Promise<Date | null>;
  list(filter: { ticketId?: number | undefined; unsent?: boolean | undefined; limit?: number | undefined }): Promise<QueuedNotification[]>;
}

/** A notification ready to post: rendered in the audience's language. */
export interface OutboundNotification {
  id: number;
  kind: string;
  audience: NotificationAudience;
  recipient: AgentRecord | null;
  ticket: Ticket | null;
  lang: 'zh' | 'en';
  text: string;
  /** For a relayed message: the platform where it already is a message (a gateway for it posts nothing). */
  shownOn: string | null;
}

/** Posts to a chat platform on the core's behalf (web channel and log now; Slack, Discord, WeChat adapters later). */
export interface ChatGateway {
  /** Posts where the audience will see it: staff notifications never where the customer reads. Throws to be retried later. */
  notify(notification: OutboundNotification): Promise<void>;
}

/** A chat platform delivery recorded in the inbox. */
export interface InboundDeliveryRecord {
  id: number;
  deliveryKey: string;
  payload: string;
  attempts: number;
  receivedAt: Date;
}

/**
 * Deliveries from chat platforms, recorded before they are worked on, so that one acknowledged to the
 * platform is not lost when the process dies before finishing it (the platform will not send it again).
 */
export interface InboxStore {
  /**
   * Records deliveries, leased to this process for `leaseMs`: per entry its record id, or null when it was
   * recorded before (a redelivery, or a repeat within `entries`).
   */
  record(platform: string, entries: { deliveryKey: string; payload: string }[], at: Date, leaseMs: number): Promise<(number | null)[]>;
  /** Marks it finished (with the error that made it give up, if any). */
  finish(id: number, at: Date, error?: string | null): Promise<void>;
  /**
   * Moves the lease of an unfinished delivery whose work failed to `until`, when any process may retry it;
   * only while it is still this attempt (`attempts` as claimed: another process may have taken it over).
   */
  release(id: number, attempts: number, until: Date): Promise<void>;
  /** Leases up to `limit` unfinished deliveries whose lease has run out (their process died), oldest first. */
  claimUnfinished(platform: string, now: Date, limit: number, leaseMs: number): Promise<InboundDeliveryRecord[]>;
  /** Deletes finished deliveries older than `before`. */
  pruneFinished(before: Date): Promise<number>;
}
