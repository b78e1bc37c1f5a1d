import { EMPTY_SLA } from '../../core/sla/clock.js';
import { newTicketState } from '../../core/tickets/lifecycle.js';
import type { Ticket } from '../../core/tickets/types.js';

/** A stored ticket for pure-function tests: a new P2 logistics ticket with no SLA clocks unless overridden. */
export function ticketFixture(overrides: Partial<Ticket> = {}): Ticket {
  const created = new Date('2026-11-24T10:00:00+08:00');
  return {
    ...newTicketState({ teamId: 'logistics', category: 'shipping_logistics', priority: 'P2' }),
    id: 9,
    number: 'T-000009',
    title: 'Where is my parcel',
    description: '',
    customerId: 3,
    version: 1,
    sentiment: 'neutral',
    language: 'zh',
    channel: 'web',
    tags: [],
    csat: null,
    accessKey: 'k',
    customerTier: 'standard',
    triageConfidence: null,
    sla: EMPTY_SLA,
    createdAt: created,
    updatedAt: created,
    orderNumbers: [],
    ...overrides,
  };
}
