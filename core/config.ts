import { existsSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { AppError } from './errors.js';
import { parseDataKeys } from './field-cipher.js';
import { PROJECT_ROOT } from './paths.js';
import { ZRoutingConfig } from './routing/rules.js';
import { ZBusinessCalendar } from './sla/business-hours.js';
import { ZSlaConfig } from './sla/policy.js';
import { PRIORITIES, ZPlatform } from './tickets/types.js';

const ZId = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lowercase letters, digits, - and _ only');
const ZNames = z.object({ zh: z.string().min(1), en: z.string().min(1) }).strict();

export const ZTeamConfig = z
  .object({
    id: ZId,
    name: ZNames,
    supervisor: z.string().optional(),
    description: z.string().optional(),
    /** Name of the business-hours calendar the team's SLA clocks run on (none: 24/7). */
    calendar: z.string().optional(),
  })
  .strict();

export const ZAgentConfig = z
  .object({
    id: ZId,
    name: z.string().min(1),
    role: z.enum(['agent', 'supervisor', 'admin']).default('agent'),
    team: ZId.optional(),
    skills: z.array(z.string()).default([]),
    languages: z.array(z.enum(['zh', 'en'])).default(['zh']),
    maxLoad: z.number().int().positive().default(10),
    /** Whether routing hands this person tickets (default: agents yes, supervisors and admins no). */
    autoAssign: z.boolean().optional(),
    onDuty: z.boolean().default(true),
    identities: z.array(z.object({ platform: ZPlatform, userId: z.string().min(1) }).strict()).default([]),
  })
  .strict();

export const ZCategoryConfig = z
  .object({
    id: ZId,
    name: ZNames,
    description: z.string().default(''),
    team: ZId.optional(),
    examples: z.array(z.string().min(1)).default([]),
  })
  .strict();

const ZRegex = z.string().refine((p) => {
  try {
    new RegExp(p, 'g');
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');

export const ZPriorityConfig = z.object({ id: z.enum(PRIORITIES), name: ZNames, description: z.string().default('') }).strict();

export const ZConfig = z
  .object({
    locale: z.enum(['zh', 'en']).default('zh'),
    defaultTeam: ZId,
    teams: z.array(ZTeamConfig).min(1),
    agents: z.array(ZAgentConfig).default([]),
    categories: z.array(ZCategoryConfig).min(1),
    priorities: z.array(ZPriorityConfig).length(4),
    /** The shop's own order-number formats, added to the built-in Taobao/Tmall, JD, Pinduoduo, Amazon and SO… patterns. */
    orderNumbers: z.array(z.object({ source: z.string().min(1), pattern: ZRegex }).strict()).default([]),
    /**
     * Links to the order in the shop's back office, shown on ticket cards: the first entry whose `match`
     * (absent: any) matches the order number gives the URL, with `{order}` replaced.
     */
    orderLinks: z
      .array(
        z
          .object({
            match: ZRegex.optional(),
            url: z
              .string()
              .regex(/^https?:\/\/[^\s|<>]+$/, 'an http(s) URL without spaces, |, < or >')
              .refine((u) => u.includes('{order}'), 'must contain {order}'),
          })
          .strict(),
      )
      .default([]),
    /** Answer customers from the knowledge base when retrieval is confident enough; otherwise open a ticket. */
    autoAnswer: z
      .object({ enabled: z.boolean().default(true), threshold: z.number().min(0).max(1).default(0.7) })
      .strict()
      .default({ enabled: true, threshold: 0.7 }),
    /** Named business-hours calendars, referred to by teams. */
    calendars: z.record(z.string().min(1), ZBusinessCalendar).default({}),
    sla: ZSlaConfig.prefault({}),
    routing: ZRoutingConfig.prefault({}),
    /** Outbound notifications: at most `limit` per destination (a ticket thread, an agent) per `windowSeconds`; the rest wait. */
    notifications: z
      .object({ limit: z.number().int().positive().default(10), windowSeconds: z.number().int().positive().default(60) })
      .strict()
      .default({ limit: 10, windowSeconds: 60 }),
  })
  .strict();

/** A lenient view of the raw config with just the fields that refer to each other. */
const anyString = z.string().optional().catch(undefined);
const ZReferences = z.object({
  defaultTeam: anyString,
  teams: z.array(z.object({ id: anyString, supervisor: anyString, calendar: anyString }).catch({})).catch([]),
  calendars: z.record(z.string(), z.unknown()).catch({}),
  routing: z
    .object({ rules: z.array(z.object({ team: anyString, category: z.array(z.string()).optional().catch(undefined) }).catch({})).catch([]) })
    .catch({ rules: [] }),
  sla: z.object({ overrides: z.array(z.object({ category: z.unknown() }).catch({ category: undefined })).catch([]) }).catch({ overrides: [] }),
  agents: z
    .array(
      z
        .object({
          id: anyString,
          role: anyString,
          team: anyString,
          identities: z.array(z.object({ platform: anyString, userId: anyString }).catch({})).catch([]),
        })
        .catch({ identities: [] }),
    )
    .catch([]),
  categories: z.array(z.object({ id: anyString, team: anyString }).catch({})).catch([]),
  priorities: z.array(z.object({ id: anyString }).catch({})).catch([]),
});

/**
 * Cross-reference problems (unknown team, duplicate id, supervisor who is a plain agent, identity used
 * twice). Checked on the lenient view so that they are reported together with shape problems.
 */
export function referenceIssues(raw: unknown): z.core.$ZodIssue[] {
  const refs = ZReferences.safeParse(raw);
  if (!refs.success) return [];
  const cfg = refs.data;
  const issues: z.core.$ZodIssue[] = [];
  const add = (path: (string | number)[], message: string) => issues.push({ code: 'custom', path, message, input: undefined });
  for (const list of ['teams', 'agents', 'categories', 'priorities'] as const) {
    const seen = new Set<string>();
    cfg[list].forEach((item, i) => {
      if (item.id !== undefined && seen.has(item.id)) add([list, i, 'id'], `duplicate id "${item.id}"`);
      if (item.id !== undefined) seen.add(item.id);
    });
  }
  const teams = new Set(cfg.teams.map((t) => t.id));
  const agents = new Map(cfg.agents.map((a) => [a.id, a]));
  if (cfg.defaultTeam !== undefined && !teams.has(cfg.defaultTeam)) add(['defaultTeam'], `unknown team "${cfg.defaultTeam}"`);
  cfg.agents.forEach((a, i) => {
    if (a.team !== undefined && !teams.has(a.team)) add(['agents', i, 'team'], `unknown team "${a.team}"`);
  });
  cfg.categories.forEach((c, i) => {
    if (c.team !== undefined && !teams.has(c.team)) add(['categories', i, 'team'], `unknown team "${c.team}"`);
  });
  cfg.teams.forEach((t, i) => {
    if (t.supervisor === undefined) return;
    const sup = agents.get(t.supervisor);
    if (!sup) add(['teams', i, 'supervisor'], `unknown agent "${t.supervisor}"`);
    else if ((sup.role ?? 'agent') === 'agent') add(['teams', i, 'supervisor'], `"${t.supervisor}" is an agent, not a supervisor or admin`);
  });
  cfg.teams.forEach((t, i) => {
    if (t.calendar !== undefined && !Object.hasOwn(cfg.calendars, t.calendar)) add(['teams', i, 'calendar'], `unknown calendar "${t.calendar}"`);
  });
  const categories = new Set(cfg.categories.map((c) => c.id));
  cfg.routing.rules.forEach((r, i) => {
    if (r.team !== undefined && !teams.has(r.team)) add(['routing', 'rules', i, 'team'], `unknown team "${r.team}"`);
    for (const c of r.category ?? []) if (!categories.has(c)) add(['routing', 'rules', i, 'category'], `unknown category "${c}"`);
  });
  cfg.sla.overrides.forEach((o, i) => {
    const named = typeof o.category === 'string' ? [o.category] : Array.isArray(o.category) ? o.category : [];
    for (const c of named) if (typeof c === 'string' && !categories.has(c)) add(['sla', 'overrides', i, 'category'], `unknown category "${c}"`);
  });
  const identities = new Set<string>();
  cfg.agents.forEach((a, i) => {
    a.identities.forEach((id, j) => {
      const key = `${id.platform}:${id.userId}`;
      if (identities.has(key)) add(['agents', i, 'identities', j], `identity ${key} is used twice`);
      identities.add(key);
    });
  });
  return issues;
}

export type AppConfig = z.infer<typeof ZConfig>;
export type AgentConfig = z.infer<typeof ZAgentConfig>;
export type TeamConfig = z.infer<typeof ZTeamConfig>;
export type CategoryConfig = z.infer<typeof ZCategoryConfig>;

const ZLogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** Process settings from the environment. */
export const ZEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .refine((u) => /^(postgres(ql)?:\/\/|file:)/.test(u), 'must start with postgresql:// or file:')
    .optional(),
  REDIS_URL: z.string().startsWith('redis', 'must be a redis:// or rediss:// URL').optional(),
  /** Key prefix in Redis, so that several deployments (or tests) can share one server. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only')
    .default('ticketbot'),
  TICKETBOT_DATA_DIR: z.string().default('./data'),
  TICKETBOT_CONFIG: z.string().optional(),
  TICKETBOT_API_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
  /** Bearer token that GET /metrics requires, when set (Prometheus: `authorization: { credentials: … }`). */
  TICKETBOT_METRICS_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
  /** Keys that seal customers' phone numbers and e-mail addresses at rest: `id:base64key,…`, the first sealing. */
  TICKETBOT_DATA_KEYS: z
    .string()
    .superRefine((value, ctx) => {
      const parsed = parseDataKeys(value);
      if ('problems' in parsed) for (const problem of parsed.problems) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  LOG_LEVEL: ZLogLevel.default('info'),
});
export type Env = z.infer<typeof ZEnv>;

/** Parses the environment; every problem is listed in one CONFIG_INVALID error. */
export function parseEnv(env: NodeJS.ProcessEnv): Env {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ZEnv.safeParse(cleaned);
  if (!parsed.success) throw configError('environment', parsed.error);
  return parsed.data;
}

function configError(source: string, error: z.ZodError): AppError {
  return new AppError('CONFIG_INVALID', { message: `Invalid ${source}:\n${z.prettifyError(error)}`, details: error.issues });
}

export const BUNDLED_CONFIG = join(PROJECT_ROOT, 'config', 'ticketbot.default.json');

/** The config file to use: TICKETBOT_CONFIG, else ./ticketbot.config.{json,yaml,yml}, else the bundled default. */
export function resolveConfigPath(explicit: string | undefined, cwd = process.cwd()): string {
  if (explicit) return resolve(cwd, explicit);
  for (const name of ['ticketbot.config.json', 'ticketbot.config.yaml', 'ticketbot.config.yml']) {
    const candidate = join(cwd, name);
    if (existsSync(candidate)) return candidate;
  }
  return BUNDLED_CONFIG;
}

/** Parses config text (JSON or YAML); throws CONFIG_INVALID listing every problem. */
export function parseConfig(text: string, format: 'json' | 'yaml', source = 'config'): AppConfig {
  let raw: unknown;
  try {
    raw = format === 'json' ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    throw new AppError('CONFIG_INVALID', { message: `Invalid ${source}: not valid ${format.toUpperCase()}: ${(cause as Error).message}`, cause });
  }
  const parsed = ZConfig.safeParse(raw);
  const issues = [...(parsed.success ? [] : parsed.error.issues), ...referenceIssues(raw)];
  if (issues.length || !parsed.success) throw configError(source, new z.ZodError(issues));
  return parsed.data;
}

export function loadConfig(path: string): AppConfig {
  if (!existsSync(path)) throw new AppError('CONFIG_INVALID', { message: `Config file not found: ${path}` });
  const format = ['.yaml', '.yml'].includes(extname(path)) ? 'yaml' : 'json';
  return parseConfig(readFileSync(path, 'utf8'), format, path);
}
