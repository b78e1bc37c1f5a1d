import type { AppConfig } from '../config.js';
import type { NewNotification } from '../ports.js';
import type { Ticket } from './types.js';

/**
 * An agent's public reply, relayed to the customer's chat threads on other platforms: an agent may answer
 * from the web console or another platform than the one the customer wrote on. `shownOn` names the
 * platform where the reply already is a message (posted there), which does not get it twice.
 */
export function agentReplyNotice(ticket: Ticket, reply: { id: string; name: string; body: string; shownOn: string | null }, at: Date): NewNotification {
  return {
    dedupeKey: `agent_reply:${ticket.id}:${reply.id}`,
    ticketId: ticket.id,
    kind: AGENT_REPLY,
    audience: 'customer',
    recipientId: null,
    destination: `ticket:${ticket.id}`,
    message: { key: 'notify.agentReply', params: { name: reply.name, number: ticket.number, body: reply.body, shownOn: reply.shownOn ?? '' } },
    at,
  };
}

/** The notification kind of a relayed agent reply. */
export const AGENT_REPLY = 'agent_reply';

/** Tells the new assignee that a ticket is theirs (not sent when they claimed it themselves). */
export function assignedNotice(config: AppConfig, ticket: Ticket, at: Date): NewNotification[] {
  if (!ticket.assigneeId) return [];
  const who = config.agents.find((a) => a.id === ticket.assigneeId)?.name ?? ticket.assigneeId;
  return [
    {
      dedupeKey: `assigned:${ticket.id}:${ticket.version}`,
      ticketId: ticket.id,
      kind: 'assigned',
      audience: 'assignee',
      recipientId: ticket.assigneeId,
      destination: `agent:${ticket.assigneeId}`,
      message: { key: 'notify.assigned', params: { who, number: ticket.number, title: ticket.title, priority: ticket.priority } },
      at,
    },
  ];
}
