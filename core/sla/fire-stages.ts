import type { AppConfig } from '../config.js';
import type { MessageKey, MessageParams } from '../i18n/translate.js';
import type { NewNotification, TicketChange } from '../ports.js';
import { diffState } from '../tickets/apply-event.js';
import { type LifecycleEvent, transition } from '../tickets/lifecycle.js';
import { PRIORITIES, SYSTEM_ACTOR, type Ticket, type TicketState } from '../tickets/types.js';
import { deadlineOf, displayZone, nextCheckAt, STAGE_CLOCK, type Stage, type StageKind, stageKey, trackSla } from './clock.js';
import { formatDuration } from './duration.js';
import { formatLocalTime } from './time-zone.js';

// Turns due reminder stages into version-chained ticket changes: each stage records itself on the
// ticket, appends an event and queues its notifications in one write, so it fires exactly once.

const EVENT: Record<StageKind, string> = {
  fr_warning: 'sla_warning',
  fr_breach: 'sla_breach',
  res_warning: 'sla_warning',
  res_breach: 'sla_breach',
  nr_warning: 'sla_warning',
  nr_breach: 'sla_breach',
  pending_nudge: 'pending_nudge',
  pending_close: 'close',
  resolved_close: 'close',
};

const MESSAGE: Record<StageKind, MessageKey> = {
  fr_warning: 'notify.frWarning',
  fr_breach: 'notify.frBreach',
  res_warning: 'notify.resWarning',
  res_breach: 'notify.resBreach',
  nr_warning: 'notify.nrWarning',
  nr_breach: 'notify.nrBreach',
  pending_nudge: 'notify.pendingNudge',
  pending_close: 'notify.pendingClosed',
  resolved_close: 'notify.resolvedClosed',
};

/** The lifecycle part of a ticket. */
export function stateOf(t: Ticket): TicketState {
  const { id, status, assigneeId, teamId, customerId, category, priority, reboundCount, duplicateOfId, closeReason, version } = t;
  const { assignedAt, firstResponseAt, awaitingReplySince, pendingSince, resolvedAt, closedAt } = t;
  return {
    id,
    status,
    assigneeId,
    teamId,
    customerId,
    category,
    priority,
    reboundCount,
    duplicateOfId,
    closeReason,
    version,
    assignedAt,
    firstResponseAt,
    awaitingReplySince,
    pendingSince,
    resolvedAt,
    closedAt,
  };
}

/** Applies a system lifecycle event if the lifecycle allows it; otherwise leaves the state as it is. */
function systemEvent(state: TicketState, event: LifecycleEvent, now: Date): TicketState {
  const result = transition(state, event, SYSTEM_ACTOR, now);
  return result.ok ? result.ticket : state;
}

/** The escalation policy at a breach: a priority one step up, the ticket handed to the supervisor. */
function escalate(config: AppConfig, state: TicketState, kind: StageKind, now: Date): TicketState {
  let next = state;
  const { raisePriority, reassignTo } = config.sla.onBreach;
  const index = PRIORITIES.indexOf(next.priority);
  // Only the resolution breach raises the priority: a ticket missing both targets goes up one step, not two.
  if (raisePriority && kind === 'res_breach' && index > 0) next = systemEvent(next, { type: 'set_priority', priority: PRIORITIES[index - 1] ?? 'P1' }, now);
  const supervisor = config.teams.find((t) => t.id === next.teamId)?.supervisor;
  if (reassignTo === 'supervisor' && supervisor && next.assigneeId !== supervisor) next = systemEvent(next, { type: 'assign', agentId: supervisor }, now);
  return next;
}

function agentName(config: AppConfig, id: string | null | undefined): string | null {
  if (!id) return null;
  return config.agents.find((a) => a.id === id)?.name ?? id;
}

function notificationsFor(config: AppConfig, ticket: Ticket, stage: Stage, now: Date, alsoDue: ReadonlySet<StageKind>): NewNotification[] {
  const team = config.teams.find((t) => t.id === ticket.teamId);
  // The deadline the stage reminds of (nudges and auto-closes quote the resolution clock's).
  const due = deadlineOf(ticket.sla, STAGE_CLOCK[stage.kind]?.clock ?? 'resolution');
  const params: MessageParams = {
    number: ticket.number,
    title: ticket.title,
    due: due ? formatLocalTime(due, displayZone(config, ticket.teamId)) : '',
    left: due ? formatDuration(due.getTime() - now.getTime()) : '',
    // The dispatcher renders `left` again from this in the reader's language.
    ...(due ? { leftMs: due.getTime() - now.getTime() } : {}),
    assignee: agentName(config, ticket.assigneeId) ?? '—',
  };
  const base = { ticketId: ticket.id, kind: stage.kind, message: { key: MESSAGE[stage.kind], params }, at: now };
  const key = `${stage.kind}:${ticket.id}:${stageKey(stage)}`;
  switch (stage.kind) {
    case 'fr_warning':
    case 'res_warning':
    case 'nr_warning':
      // Already past the deadline (the process was down): the breach notice says it all.
      if (due && due.getTime() <= now.getTime()) return [];
      return ticket.assigneeId
        ? [
            {
              ...base,
              dedupeKey: key,
              audience: 'assignee',
              recipientId: ticket.assigneeId,
              destination: `ticket:${ticket.id}`,
              message: { ...base.message, params: { ...params, who: agentName(config, ticket.assigneeId) ?? '' } },
            },
          ]
        : [
            {
              ...base,
              dedupeKey: key,
              audience: 'team',
              recipientId: ticket.teamId,
              destination: `ticket:${ticket.id}`,
              message: { ...base.message, params: { ...params, who: team?.name[config.locale] ?? ticket.teamId ?? '' } },
            },
          ];
    case 'fr_breach':
    case 'res_breach':
    case 'nr_breach': {
      const supervisor = team?.supervisor;
      const who = agentName(config, supervisor) ?? team?.name[config.locale] ?? '';
      return [
        {
          ...base,
          dedupeKey: key,
          audience: supervisor ? 'supervisor' : 'team',
          recipientId: supervisor ?? ticket.teamId,
          destination: supervisor ? `agent:${supervisor}` : `ticket:${ticket.id}`,
          message: { ...base.message, params: { ...params, who } },
        },
      ];
    }
    case 'pending_nudge': {
      // Closing in the same breath (the process was down): the closing notice is the one to send.
      if (alsoDue.has('pending_close')) return [];
      const closeAfter = config.sla.pendingCustomer.closeAfter;
      const customer = { ...base, dedupeKey: key, audience: 'customer' as const, recipientId: null, destination: `ticket:${ticket.id}` };
      // With the auto-close off, the nudge must not announce one.
      if (closeAfter === null || !ticket.pendingSince) return [{ ...customer, message: { key: 'notify.pendingNudgeOpen', params } }];
      const leftMs = ticket.pendingSince.getTime() + closeAfter - now.getTime();
      return [{ ...customer, message: { ...base.message, params: { ...params, left: formatDuration(leftMs), leftMs } } }];
    }
    case 'pending_close':
    case 'resolved_close':
      return [{ ...base, dedupeKey: key, audience: 'customer', recipientId: null, destination: `ticket:${ticket.id}` }];
  }
}

function nextStateFor(config: AppConfig, state: TicketState, kind: StageKind, now: Date): TicketState {
  switch (kind) {
    case 'fr_breach':
    case 'res_breach':
    case 'nr_breach':
      return escalate(config, state, kind, now);
    case 'pending_close':
      return systemEvent(state, { type: 'close', reason: 'no_customer_response' }, now);
    case 'resolved_close':
      return systemEvent(state, { type: 'close', reason: 'resolved' }, now);
    default:
      return state;
  }
}

/**
 * The changes that fire `stages` (due, not yet fired, in due order) on `ticket`: each one marks its
 * stage on the ticket, flags breaches, applies the escalation or auto-close, logs an event and queues
 * notifications. Each change expects the version the previous one leaves, so the batch commits whole or
 * not at all, and a process that lost the race re-reads and finds the stages already fired.
 */
export function fireStages(config: AppConfig, ticket: Ticket, stages: Stage[], now: Date): TicketChange[] {
  const changes: TicketChange[] = [];
  const alsoDue = new Set(stages.map((s) => s.kind));
  let current = ticket;
  for (const stage of stages) {
    const state = stateOf(current);
    const moved = nextStateFor(config, state, stage.kind, now);
    const next: TicketState = { ...moved, version: current.version + 1 };
    const tracked = trackSla(config, current, next, now, { keepTargets: true });
    const sla = {
      ...tracked,
      stages: { ...current.sla.stages, [stage.kind]: stageKey(stage) },
      firstResponseBreachedAt: stage.kind === 'fr_breach' ? (current.sla.firstResponseBreachedAt ?? now) : current.sla.firstResponseBreachedAt,
      resolutionBreachedAt: stage.kind === 'res_breach' ? (current.sla.resolutionBreachedAt ?? now) : current.sla.resolutionBreachedAt,
      // A next-response breach is per wait: the latest one is kept.
      nextResponseBreachedAt: stage.kind === 'nr_breach' ? now : current.sla.nextResponseBreachedAt,
    };
    const after: Ticket = { ...current, ...next, sla };
    after.sla.nextCheckAt = nextCheckAt(config, after);
    const diff = diffState(state, next);
    changes.push({
      ticketId: ticket.id,
      expectedVersion: current.version,
      next,
      sla: after.sla,
      event: { action: EVENT[stage.kind], actor: SYSTEM_ACTOR, before: diff.before, after: diff.after, note: stage.kind },
      notifications: notificationsFor(config, current, stage, now, alsoDue),
    });
    current = after;
  }
  return changes;
}
