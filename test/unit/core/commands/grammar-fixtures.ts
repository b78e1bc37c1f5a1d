import { type Command, parseCommand, type Verb } from '../../../../core/commands/grammar.js';
import { type Lang, type LocalizedText, render } from '../../../../core/i18n/translate.js';

export type Failure = Extract<ReturnType<typeof parseCommand>, { ok: false }>;

export function parsesTo(input: string): { command: Command; lang: Lang } {
  const result = parseCommand(input);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(input)} to parse, got problem ${JSON.stringify(result.problem)}`);
  return { command: result.command, lang: result.lang };
}

export function fails(input: string, fallbackLang?: Lang): Failure {
  const result = fallbackLang === undefined ? parseCommand(input) : parseCommand(input, fallbackLang);
  if (result.ok) throw new Error(`expected ${JSON.stringify(input)} to be rejected, got ${JSON.stringify(result.command)}`);
  return result;
}

export const renderAll = (lang: Lang, texts: LocalizedText[]) => texts.map((text) => render(lang, text));
export const PLACEHOLDER = /\{\w+\}/;

/** The word each verb is taught by in the usage text, per language. */
export const USAGE_WORD: Record<Verb, Record<Lang, string>> = {
  new: { zh: '新建', en: 'new' },
  claim: { zh: '认领', en: 'claim' },
  assign: { zh: '指派', en: 'assign' },
  transfer: { zh: '转派', en: 'transfer' },
  note: { zh: '备注', en: 'note' },
  pending: { zh: '待客户', en: 'pending' },
  resolve: { zh: '解决', en: 'resolve' },
  close: { zh: '关闭', en: 'close' },
  reopen: { zh: '重开', en: 'reopen' },
  status: { zh: '查询', en: 'status' },
  list: { zh: '列表', en: 'list' },
  duty: { zh: '上班', en: 'duty' },
  sla: { zh: 'SLA', en: 'sla' },
  stats: { zh: '统计', en: 'stats' },
  help: { zh: '帮助', en: 'help' },
};
export const ALL_VERBS = Object.keys(USAGE_WORD) as Verb[];
