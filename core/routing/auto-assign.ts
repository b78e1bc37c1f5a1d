import { AppError } from '../errors.js';
import { applyEvent } from '../tickets/apply-event.js';
import type { TicketChanged, TicketDeps } from '../tickets/deps.js';
import { assignedNotice } from '../tickets/notices.js';
import { type Status, SYSTEM_ACTOR, type Ticket } from '../tickets/types.js';
import { type AgentLoad, pickAgent, teamHasRoom } from './pick-agent.js';
import { absentAssignee, returnToQueue } from './return-to-queue.js';
import { chooseTeam } from './rules.js';

/** Statuses in which a ticket counts towards its assignee's load. */
function loadStatuses(countPending: boolean): ReadonlySet<Status> {
  return new Set<Status>(countPending ? ['assigned', 'in_progress', 'pending_customer'] : ['assigned', 'in_progress']);
}

/** The skills a ticket needs: those of the routing rule that sent it to its current team. */
export function skillsFor(deps: Pick<TicketDeps, 'config'>, ticket: Ticket): string[] {
  const category = deps.config.categories.find((c) => c.id === ticket.category);
  const route = chooseTeam(
    deps.config.routing,
    { categoryTeam: category?.team, defaultTeam: deps.config.defaultTeam },
    { category: ticket.category, language: ticket.language, customerTier: ticket.customerTier, channel: ticket.channel, text: ticket.description },
  );
  return route.teamId === ticket.teamId ? route.skills : [];
}

/**
 * Puts waiting tickets in front of agents: each team's queue (unassigned new tickets, most urgent and
 * oldest first) is drained to the least-loaded on-duty agents whenever something may have changed —
 * a ticket arrives or moves team, an agent frees capacity or comes on duty, and at start. Drains of
 * one team run one at a time in this process; the lifecycle's version check keeps two processes from
 * assigning one ticket twice, and the capacity check in the write keeps them from filling one agent
 * past their max load.
 */
export class AutoAssigner {
  private readonly running = new Map<string, Promise<number>>();
  private readonly queued = new Map<string, Promise<number>>();
  /** Teams whose next drain is known to have a ticket waiting. */
  private readonly waitingKnown = new Set<string>();

  constructor(
    private readonly deps: TicketDeps,
    private readonly onError: (error: unknown, teamId: string) => void = () => {},
  ) {}

  /**
   * TicketDeps.onChange observer: returns a reopened or answered ticket whose assignee is absent to its
   * queue (`return-to-queue.ts`; with or without auto-assignment), and drains the queues a change may
   * have unblocked.
   */
  async onChange(change: TicketChanged): Promise<void> {
    // The return is a change of its own, whose observer drains the queue.
    if (await this.returnIfAbsent(change)) return;
    if (!this.deps.config.routing.autoAssign) return;
    const teams = new Set<string>();
    const { ticket, before } = change;
    const queued = ticket.status === 'new' && ticket.assigneeId === null && ticket.teamId ? ticket.teamId : null;
    if (queued) teams.add(queued);
    const load = loadStatuses(this.deps.config.routing.countPending);
    const freed = before?.assigneeId && load.has(before.status) && (ticket.assigneeId !== before.assigneeId || !load.has(ticket.status));
    if (freed && before.assigneeId) {
      const agent = await this.deps.directory.findAgent(before.assigneeId);
      if (agent?.teamId) teams.add(agent.teamId);
    }
    for (const team of teams) await this.drainTeam(team, { waiting: team === queued });
  }

  private async returnIfAbsent(change: TicketChanged): Promise<boolean> {
    const reason = await absentAssignee(change, (id) => this.deps.directory.findAgent(id));
    return reason !== null && (await returnToQueue(this.deps, change.ticket, reason)) !== null;
  }

  /** Call when an agent comes on duty (or anything else that adds capacity to their team). */
  async onDuty(agentId: string): Promise<void> {
    const agent = await this.deps.directory.findAgent(agentId);
    if (agent?.teamId && agent.onDuty && this.deps.config.routing.autoAssign) await this.drainTeam(agent.teamId);
  }

  /** Drains every team that has tickets waiting (at start, after a restart). Returns how many were assigned. */
  async drainAll(): Promise<number> {
    if (!this.deps.config.routing.autoAssign) return 0;
    let assigned = 0;
    for (const team of await this.deps.tickets.teamsWithQueue()) assigned += await this.drainTeam(team, { waiting: true });
    return assigned;
  }

  /**
   * Assigns as many of the team's waiting tickets as its available agents can take. Returns how many.
   * `waiting`: the caller knows a ticket waits (it just queued one), so the drain need not check.
   */
  drainTeam(teamId: string, opts: { waiting?: boolean } = {}): Promise<number> {
    // Consumed by the next drain of the team to start, which every call from now on joins.
    if (opts.waiting) this.waitingKnown.add(teamId);
    // One drain per team at a time, and at most one waiting behind it that every later request joins:
    // a burst of intakes costs two drains, not one each.
    const waiting = this.queued.get(teamId);
    if (waiting) return waiting;
    const current = this.running.get(teamId) ?? Promise.resolve(0);
    const next: Promise<number> = current
      .catch(() => 0)
      .then(() => {
        this.queued.delete(teamId);
        this.running.set(teamId, next);
        return this.drainOnce(teamId);
      })
      .catch((error: unknown) => {
        this.onError(error, teamId);
        return 0;
      })
      .finally(() => {
        if (this.running.get(teamId) === next) this.running.delete(teamId);
      });
    this.queued.set(teamId, next);
    return next;
  }

  private async drainOnce(teamId: string): Promise<number> {
    // Cheapest first: is anything waiting (one row at most; usually not after a close or a transfer;
    // known when the drain is for a ticket just queued), then does anyone have room (the directory and
    // the loads), and only then the queue itself: reading up to 1,000 waiting tickets on every arrival
    // while every agent is full made each intake's cost grow with the backlog.
    const waitingFilter = { statuses: ['new' as const], teamId, unassigned: true };
    const known = this.waitingKnown.delete(teamId);
    if (!known && !(await this.deps.tickets.anyTicket(waitingFilter))) return 0;
    const agents = await this.deps.directory.listAgents();
    const loads = new Map<string, AgentLoad>(await this.deps.tickets.assigneeLoads({ includePending: this.deps.config.routing.countPending }));
    if (!teamHasRoom(agents, loads, teamId)) return 0;
    const queue = await this.deps.tickets.listTickets({ ...waitingFilter, limit: 1000 });
    let assigned = 0;
    for (const waiting of queue) {
      if (!teamHasRoom(agents, loads, teamId)) break;
      // Another process may fill an agent meanwhile: the write refuses, the agent counts as full, next pick.
      for (;;) {
        const agent = pickAgent(agents, loads, { teamId, language: waiting.language, skills: skillsFor(this.deps, waiting) });
        if (!agent) break;
        const outcome = await this.assign(waiting, agent.id, teamId);
        const load = loads.get(agent.id);
        if (outcome === 'full') {
          loads.set(agent.id, { open: agent.maxLoad, lastAssignedAt: load?.lastAssignedAt ?? null });
          continue;
        }
        if (outcome) {
          loads.set(agent.id, { open: (load?.open ?? 0) + 1, lastAssignedAt: outcome.assignedAt });
          assigned++;
        }
        break;
      }
    }
    return assigned;
  }

  /** Assigns one waiting ticket, if it still waits and the agent still has room. */
  private async assign(waiting: Ticket, agentId: string, teamId: string): Promise<Ticket | 'full' | null> {
    try {
      return await applyEvent(this.deps, waiting.id, { type: 'assign', agentId }, SYSTEM_ACTOR, {
        note: 'auto-assigned',
        guard: (current) => {
          if (current.assigneeId !== null || current.status !== 'new' || current.teamId !== teamId) throw new TakenMeanwhile();
        },
        notify: (next, now) => assignedNotice(this.deps.config, next, now),
        capacity: { agentId, statuses: [...loadStatuses(this.deps.config.routing.countPending)] },
      });
    } catch (error) {
      // Claimed, transferred, closed or deleted meanwhile: nothing to do for this one.
      if (error instanceof TakenMeanwhile) return null;
      if (error instanceof AppError && error.code === 'TICKET_NOT_FOUND') return null;
      if (error instanceof AppError && error.code === 'AGENT_AT_CAPACITY') return 'full';
      // It still waits (too many concurrent changes, say): reported, so that the routing sweep tries
      // again, and the drain goes on with the next ticket.
      if (error instanceof AppError) {
        this.onError(error, teamId);
        return null;
      }
      throw error;
    }
  }
}

/** The ticket left the queue between the drain's read and its write. */
class TakenMeanwhile extends Error {}
