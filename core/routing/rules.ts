import { z } from 'zod';
import { ZPlatform } from '../tickets/types.js';

const list = <T extends z.ZodType>(item: T) => z.array(item).min(1).optional();

/** One routing rule: every condition given must hold (each list means "any of"). */
export const ZRoutingRule = z
  .object({
    team: z.string().min(1),
    category: list(z.string().min(1)),
    language: list(z.enum(['zh', 'en'])),
    tier: list(z.string().min(1)),
    channel: list(ZPlatform),
    /** Words or phrases in the customer's message (case-insensitive). */
    keywords: list(z.string().min(1)),
    /** Skills an agent must have to take tickets routed by this rule. */
    skills: z.array(z.string().min(1)).default([]),
  })
  .strict();

export const ZRoutingConfig = z
  .object({
    /** Checked in order; the first match decides. No match: the category's team, else the default team. */
    rules: z.array(ZRoutingRule).default([]),
    /** Assign new tickets to the least-loaded on-duty agent; off: they wait for a claim. */
    autoAssign: z.boolean().default(true),
    /** Whether tickets waiting on the customer count towards an agent's load. */
    countPending: z.boolean().default(true),
  })
  .strict();

export type RoutingRule = z.infer<typeof ZRoutingRule>;
export type RoutingConfig = z.infer<typeof ZRoutingConfig>;

export interface RoutingInput {
  category: string;
  language: 'zh' | 'en';
  customerTier: string;
  channel: string;
  text: string;
}

export interface RouteDecision {
  teamId: string;
  skills: string[];
  /** Index of the rule that matched, or null for the category/default fallback. */
  rule: number | null;
}

/** Picks the team for a ticket from the rules, falling back to the category's team and then the default team. */
export function chooseTeam(routing: RoutingConfig, fallback: { categoryTeam: string | undefined; defaultTeam: string }, input: RoutingInput): RouteDecision {
  const text = input.text.toLowerCase();
  const index = routing.rules.findIndex(
    (r) =>
      (!r.category || r.category.includes(input.category)) &&
      (!r.language || r.language.includes(input.language)) &&
      (!r.tier || r.tier.includes(input.customerTier)) &&
      (!r.channel || r.channel.includes(input.channel as never)) &&
      (!r.keywords || r.keywords.some((k) => text.includes(k.toLowerCase()))),
  );
  const rule = routing.rules[index];
  if (rule) return { teamId: rule.team, skills: rule.skills, rule: index };
  return { teamId: fallback.categoryTeam ?? fallback.defaultTeam, skills: [], rule: null };
}
