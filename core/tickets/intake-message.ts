import { randomBytes } from 'node:crypto';
import { AppError } from '../errors.js';
import { detectLang } from '../i18n/translate.js';
import { maskPii } from '../pii.js';
import type { NewMessage } from '../ports.js';
import { chooseTeam } from '../routing/rules.js';
import { initialSla } from '../sla/clock.js';
import { addReply } from './add-reply.js';
import type { TicketDeps } from './deps.js';
import { type InboundMessage, type InboundMessageInput, ZInboundMessage } from './inbound.js';
import { newTicketState } from './lifecycle.js';
import { normalizeOrderNumber } from './order-number.js';
import { resolveActor } from './resolve-actor.js';
import type { Actor, Ticket } from './types.js';

/** 16 characters from an unambiguous alphabet: ~80 bits, short enough to read out on the phone. */
export function newAccessKey(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  return Array.from(randomBytes(16), (b) => alphabet[b % alphabet.length]).join('');
}

export type IntakeOutcome = 'created' | 'duplicate' | 'appended';

export interface IntakeResult {
  ticket: Ticket;
  outcome: IntakeOutcome;
}

function firstMessage(msg: InboundMessage, actor: Actor): NewMessage {
  return {
    visibility: 'public',
    authorKind: actor.role === 'customer' ? 'customer' : 'agent',
    authorId: actor.agentId ?? msg.author.platformUserId,
    authorName: msg.author.name ?? null,
    platform: msg.platform,
    platformMessageId: msg.platformMessageId,
    body: msg.text,
    attachments: msg.attachments,
  };
}

/**
 * The one entry point for inbound messages from every platform. A delivery seen before returns its
 * ticket unchanged; a message in a thread linked to an open ticket is added to it; anything else
 * opens a triaged ticket in the team its category routes to.
 */
export async function intakeMessage(deps: TicketDeps, input: InboundMessageInput): Promise<IntakeResult> {
  try {
    return await intakeOnce(deps, ZInboundMessage.parse(input));
  } catch (error) {
    // Two first messages in one new thread: the loser finds the winner's ticket on the second pass. The
    // thread's ticket closed or was merged after it was looked up: the second pass follows the thread to
    // the ticket it is linked to now, or opens a follow-up, instead of refusing the customer's message.
    const conflict = error instanceof AppError && error.code === 'TICKET_CONFLICT' && error.details === 'conversation';
    if (conflict || (error instanceof AppError && error.userMessage.key === 'error.closedTicket')) return intakeOnce(deps, ZInboundMessage.parse(input));
    throw error;
  }
}

/**
 * The ticket a thread's conversation goes on in: the linked ticket, or the one it was merged into (chains
 * followed) while that is the same customer's. Merges move such threads along; this covers threads merged
 * before they did. Another customer's ticket is not followed: the thread stays apart (a follow-up).
 */
async function survivorOf(deps: TicketDeps, linked: Ticket): Promise<Ticket> {
  let ticket = linked;
  // Bounded: a merge never targets a merged ticket, so chains are short and acyclic, but data may be old.
  for (let hop = 0; hop < 10 && ticket.duplicateOfId !== null; hop++) {
    const target = await deps.tickets.findTicket(ticket.duplicateOfId);
    if (!target || target.customerId !== linked.customerId) break;
    ticket = target;
  }
  return ticket;
}

async function intakeOnce(deps: TicketDeps, msg: InboundMessage): Promise<IntakeResult> {
  const seen = await deps.tickets.findTicketByMessage(msg.platform, msg.platformMessageId);
  if (seen) return { ticket: seen, outcome: 'duplicate' };

  const actor = await resolveActor(deps.directory, msg.platform, msg.author.platformUserId, msg.author.name);
  const linked = msg.conversation ? await deps.tickets.findTicketByConversation(msg.conversation) : null;
  const current = linked ? await survivorOf(deps, linked) : null;
  if (current && current.status !== 'closed') {
    const { ticket, duplicate } = await addReply(deps, current.id, actor, {
      body: msg.text,
      platformMessageId: msg.platformMessageId,
      attachments: msg.attachments,
    });
    // The thread was still linked to a merged ticket: from now on it is the surviving ticket's, so replies reach it.
    if (msg.conversation && linked && linked.id !== current.id) await deps.tickets.linkConversation(current.id, msg.conversation);
    return { ticket, outcome: duplicate ? 'duplicate' : 'appended' };
  }

  const knownTier = actor.customerId === undefined ? undefined : (await deps.directory.findCustomerByIdentity(msg.platform, msg.author.platformUserId))?.tier;
  const triage = await deps.classifier.classify(msg.text, { config: deps.config, customerTier: knownTier });
  const category = deps.config.categories.find((c) => c.id === triage.category) ?? deps.config.categories.at(-1);
  const customerTier = knownTier ?? 'standard';
  const language = triage.language ?? detectLang(msg.text);
  const route = chooseTeam(
    deps.config.routing,
    { categoryTeam: category?.team, defaultTeam: deps.config.defaultTeam },
    { category: category?.id ?? 'other', language, customerTier, channel: msg.channel, text: msg.text },
  );
  const createdAt = deps.clock();
  const seed = {
    ...newTicketState({ teamId: route.teamId, category: category?.id ?? 'other', priority: triage.priority }),
    createdAt,
    customerTier,
  };
  const { ticket, created } = await deps.tickets.createTicket({
    // Titles show up in lists and chat cards: never with personal data, whichever classifier wrote them.
    title: maskPii(triage.title),
    description: msg.text,
    category: seed.category,
    priority: triage.priority,
    sentiment: triage.sentiment,
    language,
    channel: msg.channel,
    teamId: route.teamId,
    customerTier,
    triageConfidence: triage.confidence,
    createdAt,
    sla: initialSla(deps.config, seed),
    customer: actor.role === 'customer' ? { platform: msg.platform, ...msg.author } : null,
    // A follow-up in a closed ticket's thread takes the thread's link over (once, however many race).
    conversation: linked ? null : (msg.conversation ?? null),
    takeOver: linked && msg.conversation ? { conversation: msg.conversation, fromTicketId: linked.id } : null,
    // An adapter's "#" passes the input check but is no order number once normalised.
    orderNumbers: [...new Set([...msg.orderIds, ...triage.orderIds].map(normalizeOrderNumber))].filter((id) => id !== ''),
    firstMessage: firstMessage(msg, actor),
    actor,
    accessKey: newAccessKey(),
  });
  if (!created) return { ticket, outcome: 'duplicate' };
  if (!deps.onChange) return { ticket, outcome: 'created' };
  await deps.onChange({ action: 'create', ticket, before: null, actor });
  // Observers may have moved it on (auto-assignment): answer with the ticket as it is now.
  return { ticket: (await deps.tickets.findTicket(ticket.id)) ?? ticket, outcome: 'created' };
}
