import type { AgentLoad, AgentRecord } from '../ports.js';

export type { AgentLoad } from '../ports.js';

export interface PickInput {
  teamId: string;
  language: 'zh' | 'en';
  skills: readonly string[];
}

/** Whether the agent could ever take the ticket (ignoring duty and load). */
export function qualifies(agent: AgentRecord, need: PickInput): boolean {
  return agent.active && agent.teamId === need.teamId && agent.languages.includes(need.language) && need.skills.every((s) => agent.skills.includes(s));
}

/**
 * The agent who gets a ticket: on duty, in the team, speaking the ticket's language, with every needed
 * skill, taking auto-assigned tickets, below their max load; the least loaded wins, ties go to whoever waited longest since their
 * last assignment (round-robin), then by id. If no active team member could ever qualify, language and
 * skills are relaxed so that the ticket is not stuck forever. Null: nobody available now.
 */
export function pickAgent(agents: readonly AgentRecord[], loads: ReadonlyMap<string, AgentLoad>, need: PickInput): AgentRecord | null {
  // Only people who take auto-assigned tickets count: a supervisor with the one needed skill must not block relaxing.
  const team = agents.filter((a) => a.active && a.autoAssign && a.teamId === need.teamId);
  const strict = team.filter((a) => qualifies(a, need));
  const pool = strict.length ? strict : team;
  const load = (a: AgentRecord) => loads.get(a.id) ?? { open: 0, lastAssignedAt: null };
  const available = pool.filter((a) => a.onDuty && load(a).open < a.maxLoad);
  available.sort((a, b) => {
    const la = load(a);
    const lb = load(b);
    if (la.open !== lb.open) return la.open - lb.open;
    const ta = la.lastAssignedAt?.getTime() ?? Number.NEGATIVE_INFINITY;
    const tb = lb.lastAssignedAt?.getTime() ?? Number.NEGATIVE_INFINITY;
    if (ta !== tb) return ta - tb;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
  return available[0] ?? null;
}

/**
 * Whether anyone in the team could take an auto-assigned ticket now: an active, on-duty member taking
 * auto-assignments below their max load. When false, {@link pickAgent} is null for every ticket of the
 * team, so a drain need not read the queue at all.
 */
export function teamHasRoom(agents: readonly AgentRecord[], loads: ReadonlyMap<string, AgentLoad>, teamId: string): boolean {
  return agents.some((a) => a.active && a.autoAssign && a.onDuty && a.teamId === teamId && (loads.get(a.id)?.open ?? 0) < a.maxLoad);
}
