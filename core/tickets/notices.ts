import type { AppConfig } from '../config.js';
import type { NewNotification } from '../ports.js';
import type { Ticket } from './types.js';

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
