import { z } from 'zod';
import { detectLang, type Lang, type LocalizedText, type MessageKey } from '../i18n/translate.js';
import { parseTicketNumber } from '../tickets/ticket-number.js';

/** Someone named in a command: `@lin`, Slack `<@U123|lin>`, Discord `<@!123>`. */
export const ZMention = z.object({ id: z.string().min(1), label: z.string().optional() });
export type Mention = z.infer<typeof ZMention>;

const ticket = z.number().int().positive().optional();
const ZListScope = z.enum(['mine', 'open', 'team', 'breaching']);

export const ZCommand = z.discriminatedUnion('verb', [
  z.strictObject({ verb: z.literal('new'), text: z.string().min(1) }),
  z.strictObject({ verb: z.literal('claim'), ticket }),
  z.strictObject({ verb: z.literal('assign'), ticket, assignee: ZMention }),
  z.strictObject({ verb: z.literal('transfer'), ticket, team: z.string().min(1), note: z.string().optional() }),
  z.strictObject({ verb: z.literal('note'), ticket, text: z.string().min(1) }),
  z.strictObject({ verb: z.literal('pending'), ticket }),
  z.strictObject({ verb: z.literal('resolve'), ticket }),
  z.strictObject({ verb: z.literal('close'), ticket, reason: z.string().optional() }),
  z.strictObject({ verb: z.literal('reopen'), ticket }),
  z.strictObject({ verb: z.literal('status'), ticket }),
  z.strictObject({ verb: z.literal('list'), scope: ZListScope }),
  z.strictObject({ verb: z.literal('duty'), on: z.boolean() }),
  z.strictObject({ verb: z.literal('sla') }),
  z.strictObject({ verb: z.literal('stats') }),
  z.strictObject({ verb: z.literal('help') }),
]);
export type Command = z.infer<typeof ZCommand>;
export type Verb = Command['verb'];

/** Every word that names a verb, in both languages. */
const VERBS: Record<string, Verb> = {
  new: 'new',
  open: 'new',
  新建: 'new',
  创建: 'new',
  开单: 'new',
  claim: 'claim',
  take: 'claim',
  认领: 'claim',
  接单: 'claim',
  assign: 'assign',
  指派: 'assign',
  分配: 'assign',
  transfer: 'transfer',
  转派: 'transfer',
  转交: 'transfer',
  转给: 'transfer',
  note: 'note',
  备注: 'note',
  pending: 'pending',
  wait: 'pending',
  待客户: 'pending',
  等待客户: 'pending',
  resolve: 'resolve',
  resolved: 'resolve',
  solve: 'resolve',
  解决: 'resolve',
  已解决: 'resolve',
  close: 'close',
  关闭: 'close',
  关单: 'close',
  reopen: 'reopen',
  重开: 'reopen',
  重新打开: 'reopen',
  status: 'status',
  show: 'status',
  查询: 'status',
  状态: 'status',
  查看: 'status',
  list: 'list',
  ls: 'list',
  列表: 'list',
  duty: 'duty',
  上班: 'duty',
  下班: 'duty',
  sla: 'sla',
  时效: 'sla',
  stats: 'stats',
  report: 'stats',
  统计: 'stats',
  报表: 'stats',
  日报: 'stats',
  help: 'help',
  '?': 'help',
  '？': 'help',
  帮助: 'help',
};

const SCOPES: Record<string, z.infer<typeof ZListScope>> = {
  mine: 'mine',
  my: 'mine',
  我的: 'mine',
  open: 'open',
  未结: 'open',
  未解决: 'open',
  待处理: 'open',
  team: 'team',
  团队: 'team',
  breaching: 'breaching',
  breached: 'breaching',
  overdue: 'breaching',
  超时: 'breaching',
  逾期: 'breaching',
};

/** Prefixes a platform may leave on the text: a slash command name or the WeChat `#工单` trigger. */
const PREFIX = /^\s*(?:\/ticket|\/工单|#工单|＃工单|工单)(?=\s|$)\s*/i;

export const USAGE_ORDER: Verb[] = [
  'new',
  'claim',
  'assign',
  'transfer',
  'note',
  'pending',
  'resolve',
  'close',
  'reopen',
  'status',
  'list',
  'duty',
  'sla',
  'stats',
  'help',
];

/** Words that switch duty on or off, after `duty` or on their own (上班 / 下班). */
const DUTY: Record<string, boolean> = { on: true, off: false, 上班: true, 下班: false, 开: true, 关: false };

export type ParseResult = { ok: true; command: Command; lang: Lang } | { ok: false; lang: Lang; problem: LocalizedText; usage: LocalizedText[] };

function parseMention(token: string): Mention | null {
  const chat = /^<@!?([A-Za-z0-9_.-]+)(?:\|([^>]+))?>$/.exec(token);
  if (chat?.[1]) return chat[2] ? { id: chat[1], label: chat[2] } : { id: chat[1] };
  const at = /^[@＠](\S+)$/.exec(token);
  return at?.[1] ? { id: at[1] } : null;
}

function usageKey(verb: Verb): MessageKey {
  return `usage.${verb}` as MessageKey;
}

/** Help lines for every verb, or for one. */
export function usageFor(verb?: Verb): LocalizedText[] {
  return verb ? [{ key: usageKey(verb) }] : [{ key: 'usage.header' }, ...USAGE_ORDER.map((v) => ({ key: usageKey(v) }))];
}

function build(verb: Verb, args: string[], first: string): unknown {
  // A ticket number may stand anywhere among the arguments; take the first.
  const at = args.findIndex((a) => /^(?:[Tt]-?\d+|#\d+)$/.test(a));
  // A word that looks like a ticket number but is not a valid one becomes 0, which the schema refuses.
  const ticketId = at >= 0 ? (parseTicketNumber(args[at] ?? '') ?? 0) : undefined;
  const rest = at >= 0 ? [...args.slice(0, at), ...args.slice(at + 1)] : args;
  const text = rest.join(' ').trim();
  const opt = (s: string) => (s ? s : undefined);
  switch (verb) {
    case 'new':
      return { verb, text: args.join(' ').trim() };
    case 'assign': {
      const mention = rest.length === 1 ? parseMention(rest[0] ?? '') : null;
      return { verb, ticket: ticketId, assignee: mention ?? undefined };
    }
    case 'transfer':
      return { verb, ticket: ticketId, team: rest[0]?.replace(/^#/, ''), note: opt(rest.slice(1).join(' ').trim()) };
    case 'note':
      return { verb, ticket: ticketId, text };
    case 'close':
      return { verb, ticket: ticketId, reason: opt(text) };
    case 'list':
      if (args.length > 1) return { verb };
      return { verb, scope: args.length === 0 ? 'open' : SCOPES[(args[0] ?? '').toLowerCase()] };
    case 'duty': {
      // 上班 / 下班 carry the switch in the verb itself; `duty` takes it as its one argument.
      if (first === '上班' || first === '下班') return args.length ? { verb } : { verb, on: first === '上班' };
      return { verb, on: args.length === 1 ? DUTY[(args[0] ?? '').toLowerCase()] : undefined };
    }
    case 'sla':
    case 'stats':
      return args.length ? { verb, unexpected: args.join(' ') } : { verb };
    case 'help':
      return { verb };
    default:
      // claim, pending, resolve, reopen, status: nothing but an optional ticket number.
      return rest.length ? { verb, ticket: ticketId, unexpected: text } : { verb, ticket: ticketId };
  }
}

/**
 * Parses one command line in Chinese or English into a zod-checked Command. The reply language
 * follows the words the user typed. Bad input returns the problem and the usage to show; nothing runs.
 */
export function parseCommand(input: string, fallbackLang: Lang = 'zh'): ParseResult {
  const body = input.replace(PREFIX, '').trim();
  const tokens = body.split(/[\s\u3000]+/).filter(Boolean);
  const first = tokens[0] ?? '';
  const verb = VERBS[first.toLowerCase()];
  // Reply in the language of the verb the user typed (or of the whole text when no verb matched).
  const lang: Lang = verb ? (/^[？]$/.test(first) ? 'zh' : detectLang(first)) : body ? detectLang(body) : fallbackLang;
  if (!verb) {
    const problem: LocalizedText = first ? { key: 'usage.unknown', params: { verb: first } } : { key: 'usage.header' };
    return { ok: false, lang, problem, usage: usageFor() };
  }
  const parsed = ZCommand.safeParse(build(verb, tokens.slice(1), first.toLowerCase()));
  if (!parsed.success) {
    return { ok: false, lang, problem: { key: 'usage.bad', params: { verb: first, usage: { key: usageKey(verb) } } }, usage: usageFor(verb) };
  }
  return { ok: true, command: parsed.data, lang };
}
