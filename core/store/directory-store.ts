import type { AppConfig } from '../config.js';
import type { AgentRecord, DirectoryStore } from '../ports.js';
import type { Platform } from '../tickets/types.js';
import type { Db } from './database.js';
import { toAgent } from './mappers.js';

/** DirectoryStore on Prisma: teams and agents mirror the config; customers are created by intake. */
export class PrismaDirectoryStore implements DirectoryStore {
  constructor(private readonly db: Db) {}

  async syncFromConfig(config: AppConfig): Promise<void> {
    // A restart with an unchanged config writes nothing: a restarted bot's first job is to fire the
    // reminders it missed, and this transaction would take a good part of its start-up.
    if (await this.matchesConfig(config)) return;
    await this.db.$transaction(async (tx) => {
      for (const team of config.teams) {
        const data = teamData(team);
        await tx.team.upsert({ where: { id: team.id }, create: { id: team.id, ...data }, update: data });
      }
      const ids = config.agents.map((a) => a.id);
      await tx.agent.updateMany({ where: { id: { notIn: ids } }, data: { active: false } });
      for (const agent of config.agents) {
        const data = agentData(agent);
        // On-duty state is changed at run time (duty on/off), so the config only sets it for new agents.
        await tx.agent.upsert({ where: { id: agent.id }, create: { id: agent.id, onDuty: agent.onDuty, ...data }, update: data });
        await tx.agentIdentity.deleteMany({ where: { agentId: agent.id } });
      }
      for (const agent of config.agents) {
        for (const identity of agent.identities) {
          await tx.agentIdentity.create({ data: { agentId: agent.id, platform: identity.platform, platformUserId: identity.userId } });
        }
      }
    });
  }

  /** Whether the stored teams, agents and their chat identities already say what the config says. */
  private async matchesConfig(config: AppConfig): Promise<boolean> {
    const [teams, agents, identities] = await Promise.all([this.db.team.findMany(), this.db.agent.findMany(), this.db.agentIdentity.findMany()]);
    const teamRows = new Map(teams.map((t) => [t.id, t]));
    const teamsMatch = config.teams.every((team) => {
      const row = teamRows.get(team.id);
      return row !== undefined && sameFields(row, teamData(team));
    });
    const configured = new Set(config.agents.map((a) => a.id));
    const agentRows = new Map(agents.map((a) => [a.id, a]));
    const agentsMatch =
      config.agents.every((agent) => {
        const row = agentRows.get(agent.id);
        return row !== undefined && sameFields(row, agentData(agent));
      }) && agents.every((row) => configured.has(row.id) || !row.active);
    const key = (agentId: string, platform: string, userId: string) => JSON.stringify([agentId, platform, userId]);
    const stored = new Set(identities.filter((i) => configured.has(i.agentId)).map((i) => key(i.agentId, i.platform, i.platformUserId)));
    const wanted = new Set(config.agents.flatMap((a) => a.identities.map((i) => key(a.id, i.platform, i.userId))));
    const identitiesMatch = stored.size === wanted.size && [...wanted].every((k) => stored.has(k));
    return teamsMatch && agentsMatch && identitiesMatch;
  }

  async findAgent(id: string): Promise<AgentRecord | null> {
    const row = await this.db.agent.findUnique({ where: { id } });
    return row ? toAgent(row) : null;
  }

  async findAgentByIdentity(platform: Platform, platformUserId: string): Promise<AgentRecord | null> {
    const row = await this.db.agentIdentity.findUnique({ where: { platform_platformUserId: { platform, platformUserId } }, include: { agent: true } });
    return row ? toAgent(row.agent) : null;
  }

  async listAgents(): Promise<AgentRecord[]> {
    return (await this.db.agent.findMany({ orderBy: { id: 'asc' } })).map(toAgent);
  }

  async setOnDuty(agentId: string, onDuty: boolean): Promise<void> {
    await this.db.agent.update({ where: { id: agentId }, data: { onDuty } });
  }

  async findCustomerByIdentity(platform: Platform, platformUserId: string) {
    const row = await this.db.customerIdentity.findUnique({ where: { platform_platformUserId: { platform, platformUserId } }, include: { customer: true } });
    return row ? { id: row.customer.id, name: row.customer.name, tier: row.customer.tier } : null;
  }
}

function teamData(team: AppConfig['teams'][number]) {
  return { nameZh: team.name.zh, nameEn: team.name.en, supervisorId: team.supervisor ?? null };
}

function agentData(agent: AppConfig['agents'][number]) {
  return {
    name: agent.name,
    role: agent.role,
    teamId: agent.team ?? null,
    skills: JSON.stringify(agent.skills),
    languages: JSON.stringify(agent.languages),
    maxLoad: agent.maxLoad,
    autoAssign: agent.autoAssign ?? agent.role === 'agent',
    active: true,
  };
}

function sameFields(row: object, data: Record<string, unknown>): boolean {
  const values = row as Record<string, unknown>;
  return Object.entries(data).every(([field, value]) => values[field] === value);
}
