import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { TicketStore } from '../core/ports.js';
import type { TicketChanged } from '../core/tickets/deps.js';
import { OPEN_STATUSES } from '../core/tickets/types.js';

/** Prometheus metrics, one registry per app (tests start several apps in one process). */
export function createMetrics(tickets: TicketStore) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ticketbot_' });
  const created = new Counter({
    name: 'ticketbot_tickets_created_total',
    help: 'Tickets created, by channel and category.',
    labelNames: ['channel', 'category'],
    registers: [registry],
  });
  const events = new Counter({
    name: 'ticketbot_ticket_events_total',
    help: 'Ticket lifecycle events, by action.',
    labelNames: ['action'],
    registers: [registry],
  });
  const http = new Histogram({
    name: 'ticketbot_http_request_duration_seconds',
    help: 'HTTP request duration, by route, method and status.',
    labelNames: ['route', 'method', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  new Gauge({
    name: 'ticketbot_open_tickets',
    help: 'Tickets not yet resolved or closed, by status.',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      for (const status of OPEN_STATUSES) this.set({ status }, await tickets.countTickets({ statuses: [status] }));
    },
  });
  return {
    registry,
    http,
    onChange(change: TicketChanged): void {
      if (change.action === 'create') created.inc({ channel: change.ticket.channel, category: change.ticket.category });
      events.inc({ action: change.action });
    },
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
