import type { AppConfig } from '../config.js';
import type { AgentRecord, DirectoryStore } from '../ports.js';
import type { Platform } from '../tickets/types.js';
import type { Db } from './database.js';
import { toAgent } from './mappers.js';

/** DirectoryStore on Prisma: teams and agents mirror the config; customers are created by intake. */
export class PrismaDirectoryStore implements DirectoryStore {
  constructor(private readonly db: Db) {}

  async syncFromConfig(config: AppConfig): Promise<void> {
    await this.db.$transaction(async (tx) => {
      for (const team of config.teams) {
        const data = { nameZh: team.name.zh, nameEn: team.name.en, supervisorId: team.supervisor ?? null };
        await tx.team.upsert({ where: { id: team.id }, create: { id: team.id, ...data }, update: data });
      }
      const ids = config.agents.map((a) => a.id);
      await tx.agent.updateMany({ where: { id: { notIn: ids } }, data: { active: false } });
      for (const agent of config.agents) {
        const data = {
          name: agent.name,
          role: agent.role,
          teamId: agent.team ?? null,
          skills: JSON.stringify(agent.skills),
          languages: JSON.stringify(agent.languages),
          maxLoad: agent.maxLoad,
          autoAssign: agent.autoAssign ?? agent.role === 'agent',
          active: true,
        };
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
