import type { DirectoryStore } from '../ports.js';
import type { Actor, Platform } from './types.js';

/** Who a platform user is to us: a configured (active) agent, or else a customer (known or not yet). */
export async function resolveActor(directory: DirectoryStore, platform: Platform, platformUserId: string, name?: string): Promise<Actor> {
  const agent = await directory.findAgentByIdentity(platform, platformUserId);
  if (agent?.active) return { role: agent.role, agentId: agent.id, name: agent.name, platform };
  const customer = await directory.findCustomerByIdentity(platform, platformUserId);
  return { role: 'customer', customerId: customer?.id, name: customer?.name ?? name, platform };
}
