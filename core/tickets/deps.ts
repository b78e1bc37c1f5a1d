import type { AppConfig } from '../config.js';
import type { Classifier, DirectoryStore, ReplySuggester, SelfService, TicketStore } from '../ports.js';
import type { Actor, Ticket } from './types.js';

/** A committed change, for observers (metrics now; chat cards and SLA timers later). */
export interface TicketChanged {
  action: string;
  ticket: Ticket;
  before: Ticket | null;
  actor: Actor;
}

/** Everything the ticket use cases need, injected by the composition root. */
export interface TicketDeps {
  tickets: TicketStore;
  directory: DirectoryStore;
  config: AppConfig;
  classifier: Classifier;
  clock: () => Date;
  /** Reply suggestions from the knowledge base (absent: the feature is off). */
  suggester?: ReplySuggester | undefined;
  /** Answers customers' questions from the knowledge base (absent: every question becomes a ticket). */
  answers?: SelfService | undefined;
  /** Called (and awaited) after each committed change: SLA timers, routing, metrics, chat cards. Must not throw (errors are the observer's to handle). */
  onChange?: ((change: TicketChanged) => void | Promise<void>) | undefined;
  /** Called after an agent goes on or off duty (routing hands them waiting tickets). */
  onDutyChange?: ((agentId: string, onDuty: boolean) => Promise<void>) | undefined;
}
