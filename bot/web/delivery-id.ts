// Ids of web deliveries. Intake is unauthenticated and the sender names itself, so the id of a message
// is the pair (sender's id, sender's message id), written so that no two pairs give the same string
// and no web pair gives an id the bot makes itself: both parts are percent-encoded (no ':' or '#'
// left in them), and ids the bot makes start with '#' (`knowledge/kb/auto-answer.ts`).
import { createHash } from 'node:crypto';
import { AppError } from '../../core/errors.js';
import type { TicketDeps } from '../../core/tickets/deps.js';
import { MAX_PLATFORM_MESSAGE_ID } from '../../core/tickets/inbound.js';

/** The platform message id of a web delivery; a hash of the pair when the encoded pair is too long. */
export function webDeliveryId(senderId: string, messageId: string): string {
  const id = `${encodeURIComponent(senderId)}:${encodeURIComponent(messageId)}`;
  return id.length <= MAX_PLATFORM_MESSAGE_ID
    ? id
    : `#h:${createHash('sha256')
        .update(JSON.stringify([senderId, messageId]))
        .digest('hex')}`;
}

/**
 * A repeated delivery gets its ticket back (and with it the access key) only when it repeats the text
 * first delivered: a retry after a timeout does, while someone guessing a gateway's sender and message
 * ids does not. A different text under the same ids is a conflict (409), and nothing is revealed.
 */
export async function assertSameDelivery(deps: TicketDeps, ticketId: number, deliveryId: string, text: string, senderId: string): Promise<void> {
  const stored = await deps.tickets.findMessage('web', deliveryId);
  const first = stored?.ticketId === ticketId && stored.visibility === 'public' ? stored : undefined;
  // The author too: ids the bot made before 2026-12-07 (`auto-answer:7`) read as a web pair now. A
  // sender who is an agent's web identity is stored under the agent's id.
  if (first?.body === text.trim() && (first.authorId === senderId || first.authorId === (await deps.directory.findAgentByIdentity('web', senderId))?.id))
    return;
  throw deliveryReused(deliveryId);
}

/** 409: these ids were used for another message. */
export function deliveryReused(deliveryId: string): AppError {
  return new AppError('TICKET_CONFLICT', {
    message: `web delivery ${deliveryId} repeated with a different text`,
    userMessage: { key: 'error.deliveryReused' },
  });
}
