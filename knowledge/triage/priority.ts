// Priority and sentiment from rule signals, optionally combined with a learned priority model.
import type { Priority, Sentiment } from '../../core/tickets/types.js';
import type { Signals } from './signals.js';

/** Categories that, without any other signal, are "no problem to fix yet" (P4), as in the default config. */
export const DEFAULT_LOW_PRIORITY_CATEGORIES: readonly string[] = ['consultation', 'suggestion', 'other'];

const RANK: Record<Priority, number> = { P1: 1, P2: 2, P3: 3, P4: 4 };

/** The more urgent of two priorities. */
export function moreUrgent(a: Priority, b: Priority): Priority {
  return RANK[a] <= RANK[b] ? a : b;
}

/** True for customer tiers that get at least P2 (VIP, gold, …). */
export function isVipTier(tier: string | undefined): boolean {
  return tier !== undefined && /^(vip|svip|gold|platinum|premium|金卡|钻石|会员vip)$/i.test(tier.trim());
}

/**
 * The rule-only priority: P1 on safety, legal, media, fraud or large-amount signals; P2 on repeated
 * contact, urgency, broken or lost goods, anger, or a VIP customer; P4 for enquiries, suggestions and
 * other messages without those signals; P3 for everything else (routine after-sales).
 */
export function rulePriority(s: Signals, category: string, opts: { customerTier?: string | undefined; lowCategories?: readonly string[] } = {}): Priority {
  if (s.safety || s.legal || s.media || s.fraud || s.largeAmount) return 'P1';
  if (s.repeated || s.urgent || s.broken || s.lost || s.angry || isVipTier(opts.customerTier)) return 'P2';
  if ((opts.lowCategories ?? DEFAULT_LOW_PRIORITY_CATEGORIES).includes(category)) return 'P4';
  return 'P3';
}

/**
 * The floor that rules put under any priority, learned or not: hard P1 signals always give P1, and
 * repeated contact or a VIP customer always at least P2. Softer signals (anger, urgency) are left to
 * the learned model when there is one, because measured on labelled tickets they over-escalate.
 */
export function priorityFloor(s: Signals, customerTier?: string): Priority {
  if (s.safety || s.legal || s.media || s.fraud || s.largeAmount) return 'P1';
  if (s.repeated || isVipTier(customerTier)) return 'P2';
  return 'P4';
}

/** Categories whose messages are complaints by nature (a defect report is never happy), as in the default config. */
export const DEFAULT_NEGATIVE_CATEGORIES: readonly string[] = ['complaint', 'product_quality'];

/**
 * Sentiment: negative for anger and hard problems, for complaint-type categories and for urgent
 * (P1/P2) messages, since customers report problems calmly as often as angrily; positive for thanks and
 * praise; neutral otherwise. `priority` should not include a VIP bump: a VIP's question is not negative.
 */
export function sentimentOf(s: Signals, context: { category?: string; priority?: Priority; negativeCategories?: readonly string[] } = {}): Sentiment {
  if (s.angry || s.safety || s.legal || s.media || s.fraud || s.broken || s.lost || s.repeated) return 'negative';
  if (context.category !== undefined && (context.negativeCategories ?? DEFAULT_NEGATIVE_CATEGORIES).includes(context.category)) return 'negative';
  if (context.priority === 'P1' || context.priority === 'P2') return 'negative';
  if (s.polite) return 'positive';
  return 'neutral';
}
