import { z } from 'zod';
import { PRIORITIES, type Priority } from '../tickets/types.js';
import { ZDuration } from './duration.js';

const ZTarget = z
  .object({
    firstResponse: ZDuration.nullable(),
    resolution: ZDuration.nullable(),
    /** Optional: how soon a customer's later message must be answered (counted while the ticket is being worked on). */
    nextResponse: ZDuration.nullable().default(null),
  })
  .strict();

const HOUR = 3_600_000;
const MINUTE = 60_000;
// Next response is off unless configured: in group chats a customer's "thanks" would start its clock.
const DEFAULT_TARGETS: Record<Priority, { firstResponse: number; resolution: number; nextResponse: null }> = {
  P1: { firstResponse: 30 * MINUTE, resolution: 4 * HOUR, nextResponse: null },
  P2: { firstResponse: 2 * HOUR, resolution: 24 * HOUR, nextResponse: null },
  P3: { firstResponse: 8 * HOUR, resolution: 48 * HOUR, nextResponse: null },
  P4: { firstResponse: 24 * HOUR, resolution: 72 * HOUR, nextResponse: null },
};

const ZOneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]));

/** Exact targets for the tickets it matches (the tier factor is not applied on top of what it gives). */
const ZOverride = z
  .object({
    priority: ZOneOrMany(z.enum(PRIORITIES)).optional(),
    category: ZOneOrMany(z.string().min(1)).optional(),
    tier: ZOneOrMany(z.string().min(1)).optional(),
    firstResponse: ZDuration.nullable().optional(),
    resolution: ZDuration.nullable().optional(),
    nextResponse: ZDuration.nullable().optional(),
  })
  .strict();

export const ZSlaConfig = z
  .object({
    /** Share of the target at which the assignee is reminded. */
    warnAt: z.number().gt(0).lt(1).default(0.75),
    targets: z
      .object({ P1: ZTarget, P2: ZTarget, P3: ZTarget, P4: ZTarget })
      .strict()
      .partial()
      .default({})
      .transform((given) => Object.fromEntries(PRIORITIES.map((p) => [p, given[p] ?? DEFAULT_TARGETS[p]])) as Record<Priority, z.infer<typeof ZTarget>>),
    /** Multiplier per customer tier: VIP halves the targets by default. */
    tiers: z.record(z.string().min(1), z.object({ factor: z.number().positive() }).strict()).default({ vip: { factor: 0.5 } }),
    /** First match wins, checked in order, before the priority default. */
    overrides: z.array(ZOverride).default([]),
    onBreach: z
      .object({
        /** Raise the priority one step at a resolution breach (the deadlines stay as they were). */
        raisePriority: z.boolean().default(false),
        /** Hand a breached ticket to the team's supervisor. */
        reassignTo: z.enum(['none', 'supervisor']).default('none'),
      })
      .strict()
      .default({ raisePriority: false, reassignTo: 'none' }),
    /** Tickets waiting on the customer: a nudge after `nudgeAfter`, closed after `closeAfter` (wall-clock time since the wait began). */
    pendingCustomer: z
      .object({ nudgeAfter: ZDuration.nullable().prefault('24h'), closeAfter: ZDuration.nullable().prefault('72h') })
      .strict()
      .prefault({}),
    /** Resolved tickets the customer does not reopen are closed after this long (null: never). */
    resolvedCloseAfter: ZDuration.nullable().prefault('7d'),
  })
  .strict()
  .superRefine((sla, ctx) => {
    const { nudgeAfter, closeAfter } = sla.pendingCustomer;
    if (nudgeAfter !== null && closeAfter !== null && nudgeAfter >= closeAfter)
      ctx.addIssue({ code: 'custom', path: ['pendingCustomer', 'nudgeAfter'], message: 'the nudge must come before the auto-close' });
  });

export type SlaConfig = z.infer<typeof ZSlaConfig>;

export const DEFAULT_SLA: SlaConfig = ZSlaConfig.parse({});

export interface SlaTargets {
  firstResponseMs: number | null;
  resolutionMs: number | null;
  nextResponseMs: number | null;
}

/** The first-response, resolution and next-response targets for a ticket: the first matching override, else the priority default times the tier factor. */
export function targetsFor(sla: SlaConfig, ticket: { priority: Priority; category: string; customerTier: string }): SlaTargets {
  const base = sla.targets[ticket.priority];
  const override = sla.overrides.find(
    (o) =>
      (!o.priority || o.priority.includes(ticket.priority)) &&
      (!o.category || o.category.includes(ticket.category)) &&
      (!o.tier || o.tier.includes(ticket.customerTier)),
  );
  const factor = Object.hasOwn(sla.tiers, ticket.customerTier) ? (sla.tiers[ticket.customerTier]?.factor ?? 1) : 1;
  const scaled = (ms: number | null) => (ms === null ? null : ms * factor);
  // What an override gives is exact; what it leaves out is the priority default with the tier factor.
  return {
    firstResponseMs: override?.firstResponse !== undefined ? override.firstResponse : scaled(base.firstResponse),
    resolutionMs: override?.resolution !== undefined ? override.resolution : scaled(base.resolution),
    nextResponseMs: override?.nextResponse !== undefined ? override.nextResponse : scaled(base.nextResponse),
  };
}
