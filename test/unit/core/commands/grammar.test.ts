import { describe, expect, test } from 'vitest';
import { type Command, parseCommand, type Verb } from '../../../../core/commands/grammar.js';
import { type Lang, type LocalizedText, render } from '../../../../core/i18n/translate.js';

/*
 * The chat command grammar, from the outside: text in, Command (or problem + usage) out.
 * Expected commands are written out by hand; nothing here reads tables from the implementation.
 */

type Failure = Extract<ReturnType<typeof parseCommand>, { ok: false }>;

function parsesTo(input: string): { command: Command; lang: Lang } {
  const result = parseCommand(input);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(input)} to parse, got problem ${JSON.stringify(result.problem)}`);
  return { command: result.command, lang: result.lang };
}

function fails(input: string, fallbackLang?: Lang): Failure {
  const result = fallbackLang === undefined ? parseCommand(input) : parseCommand(input, fallbackLang);
  if (result.ok) throw new Error(`expected ${JSON.stringify(input)} to be rejected, got ${JSON.stringify(result.command)}`);
  return result;
}

const renderAll = (lang: Lang, texts: LocalizedText[]) => texts.map((text) => render(lang, text));
const PLACEHOLDER = /\{\w+\}/;

/** The word each verb is taught by in the usage text, per language. */
const USAGE_WORD: Record<Verb, Record<Lang, string>> = {
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
const ALL_VERBS = Object.keys(USAGE_WORD) as Verb[];

describe('parseCommand: every verb in English', () => {
  test.each<[string, Command]>([
    ['new Parcel never arrived', { verb: 'new', text: 'Parcel never arrived' }],
    ['new order T-000123 is late', { verb: 'new', text: 'order T-000123 is late' }],
    ['claim', { verb: 'claim' }],
    ['claim T-000123', { verb: 'claim', ticket: 123 }],
    ['assign @lin', { verb: 'assign', assignee: { id: 'lin' } }],
    ['assign @lin T-000007', { verb: 'assign', ticket: 7, assignee: { id: 'lin' } }],
    ['assign T-7 @lin', { verb: 'assign', ticket: 7, assignee: { id: 'lin' } }],
    ['transfer logistics', { verb: 'transfer', team: 'logistics' }],
    [
      'transfer logistics T-5 customer wants a different courier',
      { verb: 'transfer', ticket: 5, team: 'logistics', note: 'customer wants a different courier' },
    ],
    ['transfer T-5 finance double charge', { verb: 'transfer', ticket: 5, team: 'finance', note: 'double charge' }],
    ['transfer #finance T-5', { verb: 'transfer', ticket: 5, team: 'finance' }],
    ['note T-5 customer called twice', { verb: 'note', ticket: 5, text: 'customer called twice' }],
    ['note customer called T-5 twice', { verb: 'note', ticket: 5, text: 'customer called twice' }],
    ['note customer called twice', { verb: 'note', text: 'customer called twice' }],
    ['pending', { verb: 'pending' }],
    ['pending T-5', { verb: 'pending', ticket: 5 }],
    ['resolve', { verb: 'resolve' }],
    ['resolve T-5', { verb: 'resolve', ticket: 5 }],
    ['close', { verb: 'close' }],
    ['close T-5', { verb: 'close', ticket: 5 }],
    ['close T-5 duplicate of T-4', { verb: 'close', ticket: 5, reason: 'duplicate of T-4' }],
    ['close customer cancelled', { verb: 'close', reason: 'customer cancelled' }],
    ['reopen', { verb: 'reopen' }],
    ['reopen T-5', { verb: 'reopen', ticket: 5 }],
    ['status T-000123', { verb: 'status', ticket: 123 }],
    ['list', { verb: 'list', scope: 'open' }],
    ['list mine', { verb: 'list', scope: 'mine' }],
    ['list open', { verb: 'list', scope: 'open' }],
    ['list team', { verb: 'list', scope: 'team' }],
    ['list breaching', { verb: 'list', scope: 'breaching' }],
    ['help', { verb: 'help' }],
  ])('%s', (input, expected) => {
    const { command, lang } = parsesTo(input);
    expect(command).toEqual(expected);
    expect(lang).toBe('en');
  });
});

describe('parseCommand: every verb in Chinese', () => {
  test.each<[string, Command]>([
    ['新建 快递三天没更新了', { verb: 'new', text: '快递三天没更新了' }],
    ['认领', { verb: 'claim' }],
    ['认领 T-000123', { verb: 'claim', ticket: 123 }],
    ['指派 @lin', { verb: 'assign', assignee: { id: 'lin' } }],
    ['指派 @lin T-5', { verb: 'assign', ticket: 5, assignee: { id: 'lin' } }],
    ['指派 T-5 ＠lin', { verb: 'assign', ticket: 5, assignee: { id: 'lin' } }],
    ['转派 物流', { verb: 'transfer', team: '物流' }],
    ['转派 logistics T-5 客户要求改地址', { verb: 'transfer', ticket: 5, team: 'logistics', note: '客户要求改地址' }],
    ['备注 T-5 客户来电两次', { verb: 'note', ticket: 5, text: '客户来电两次' }],
    ['待客户', { verb: 'pending' }],
    ['待客户 T-5', { verb: 'pending', ticket: 5 }],
    ['解决 T-5', { verb: 'resolve', ticket: 5 }],
    ['关闭', { verb: 'close' }],
    ['关闭 T-5 客户撤销', { verb: 'close', ticket: 5, reason: '客户撤销' }],
    ['重开 T-5', { verb: 'reopen', ticket: 5 }],
    ['查询 T-000005', { verb: 'status', ticket: 5 }],
    ['列表', { verb: 'list', scope: 'open' }],
    ['列表 我的', { verb: 'list', scope: 'mine' }],
    ['列表 未结', { verb: 'list', scope: 'open' }],
    ['列表 团队', { verb: 'list', scope: 'team' }],
    ['列表 超时', { verb: 'list', scope: 'breaching' }],
    ['帮助', { verb: 'help' }],
  ])('%s', (input, expected) => {
    const { command, lang } = parsesTo(input);
    expect(command).toEqual(expected);
    expect(lang).toBe('zh');
  });
});

describe('parseCommand: synonyms and case', () => {
  test.each<[string, Command, Lang]>([
    ['take T-5', { verb: 'claim', ticket: 5 }, 'en'],
    ['接单 T-5', { verb: 'claim', ticket: 5 }, 'zh'],
    ['分配 @lin', { verb: 'assign', assignee: { id: 'lin' } }, 'zh'],
    ['转交 finance', { verb: 'transfer', team: 'finance' }, 'zh'],
    ['wait T-5', { verb: 'pending', ticket: 5 }, 'en'],
    ['已解决 T-5', { verb: 'resolve', ticket: 5 }, 'zh'],
    ['关单 T-5', { verb: 'close', ticket: 5 }, 'zh'],
    ['重新打开 T-5', { verb: 'reopen', ticket: 5 }, 'zh'],
    ['show T-5', { verb: 'status', ticket: 5 }, 'en'],
    ['状态 T-5', { verb: 'status', ticket: 5 }, 'zh'],
    ['ls mine', { verb: 'list', scope: 'mine' }, 'en'],
    ['open Broken cup', { verb: 'new', text: 'Broken cup' }, 'en'],
    ['?', { verb: 'help' }, 'en'],
    ['CLAIM T-5', { verb: 'claim', ticket: 5 }, 'en'],
    ['List MINE', { verb: 'list', scope: 'mine' }, 'en'],
    ['list overdue', { verb: 'list', scope: 'breaching' }, 'en'],
  ])('%s', (input, expected, lang) => {
    const result = parsesTo(input);
    expect(result.command).toEqual(expected);
    expect(result.lang).toBe(lang);
  });
});

describe('parseCommand: the reply language follows the verb, not the arguments', () => {
  test('a Chinese verb with only ASCII arguments replies in Chinese', () => {
    expect(parsesTo('查询 T-5').lang).toBe('zh');
    expect(parsesTo('指派 @lin T-5').lang).toBe('zh');
  });

  test('an English verb with Chinese arguments replies in English', () => {
    expect(parsesTo('note T-5 客户来电两次').lang).toBe('en');
    expect(parsesTo('list 我的')).toEqual({ command: { verb: 'list', scope: 'mine' }, lang: 'en' });
    expect(parsesTo('transfer 物流 T-5')).toEqual({ command: { verb: 'transfer', ticket: 5, team: '物流' }, lang: 'en' });
  });

  test('the fallback language does not override a recognised verb', () => {
    expect(parseCommand('claim T-5', 'zh').lang).toBe('en');
    expect(parseCommand('认领 T-5', 'en').lang).toBe('zh');
  });
});

describe('parseCommand: ticket numbers', () => {
  test.each<[string, number]>([
    ['claim T-000123', 123],
    ['claim T-123', 123],
    ['claim t-12', 12],
    ['claim T12', 12],
    ['claim #12', 12],
    ['claim T-1234567', 1_234_567],
  ])('%s → ticket %i', (input, ticket) => {
    expect(parsesTo(input).command).toEqual({ verb: 'claim', ticket });
  });

  test('the ticket number may stand anywhere among the arguments', () => {
    expect(parsesTo('transfer logistics please T-9 asap').command).toEqual({ verb: 'transfer', ticket: 9, team: 'logistics', note: 'please asap' });
    expect(parsesTo('transfer T-9 logistics please asap').command).toEqual({ verb: 'transfer', ticket: 9, team: 'logistics', note: 'please asap' });
    expect(parsesTo('note please check #9 today').command).toEqual({ verb: 'note', ticket: 9, text: 'please check today' });
    expect(parsesTo('assign #9 <@U77|zhou>').command).toEqual({ verb: 'assign', ticket: 9, assignee: { id: 'U77', label: 'zhou' } });
  });

  test('the first ticket number is the target; later ones stay in free text', () => {
    expect(parsesTo('note T-1 same as T-2').command).toEqual({ verb: 'note', ticket: 1, text: 'same as T-2' });
  });

  test('a bare number is not taken as a ticket number', () => {
    expect(parsesTo('close 12').command).toEqual({ verb: 'close', reason: '12' });
    expect(fails('status 12').problem.key).toBe('usage.bad');
  });
});

describe('parseCommand: mentions', () => {
  test.each<[string, { id: string; label?: string }]>([
    ['assign @lin', { id: 'lin' }],
    ['assign ＠lin', { id: 'lin' }],
    ['assign <@U123|lin>', { id: 'U123', label: 'lin' }],
    ['assign <@U123>', { id: 'U123' }],
    ['assign <@!123>', { id: '123' }],
    ['assign <@123456789012345678>', { id: '123456789012345678' }],
    ['assign @林晓雨', { id: '林晓雨' }],
  ])('%s', (input, assignee) => {
    expect(parsesTo(input).command).toEqual({ verb: 'assign', assignee });
  });
});

describe('parseCommand: prefixes and spacing', () => {
  test.each<[string, Command, Lang]>([
    ['/ticket claim T-5', { verb: 'claim', ticket: 5 }, 'en'],
    ['/TICKET claim T-5', { verb: 'claim', ticket: 5 }, 'en'],
    ['  /ticket   list   mine  ', { verb: 'list', scope: 'mine' }, 'en'],
    ['#工单 认领 T-5', { verb: 'claim', ticket: 5 }, 'zh'],
    ['＃工单 认领 T-5', { verb: 'claim', ticket: 5 }, 'zh'],
    ['/工单 关闭 T-5 重复', { verb: 'close', ticket: 5, reason: '重复' }, 'zh'],
    ['工单 查询 T-5', { verb: 'status', ticket: 5 }, 'zh'],
    ['认领\u3000T-5', { verb: 'claim', ticket: 5 }, 'zh'],
    ['指派\u3000@lin\u3000T-5', { verb: 'assign', ticket: 5, assignee: { id: 'lin' } }, 'zh'],
    ['#工单\u3000认领\u3000T-5', { verb: 'claim', ticket: 5 }, 'zh'],
    ['\u3000备注\u3000T-5\u3000客户来电\u3000', { verb: 'note', ticket: 5, text: '客户来电' }, 'zh'],
    ['/ticket\tresolve\t#5', { verb: 'resolve', ticket: 5 }, 'en'],
  ])('%j', (input, expected, lang) => {
    const result = parsesTo(input);
    expect(result.command).toEqual(expected);
    expect(result.lang).toBe(lang);
  });

  test('a word that merely starts with the prefix is not stripped', () => {
    const result = fails('/ticketclaim T-5');
    expect(result.problem).toEqual({ key: 'usage.unknown', params: { verb: '/ticketclaim' } });
  });
});

describe('parseCommand: unknown verbs and empty input', () => {
  const FULL_USAGE = ['usage.header', ...ALL_VERBS.map((v) => `usage.${v}`)];

  test('an unknown English verb names the word and shows every command, in English', () => {
    const result = fails('frobnicate T-5');
    expect(result.lang).toBe('en');
    expect(result.problem).toEqual({ key: 'usage.unknown', params: { verb: 'frobnicate' } });
    expect(result.usage.map((u) => u.key)).toEqual(FULL_USAGE);
  });

  test('an unknown Chinese verb replies in Chinese', () => {
    const result = fails('催一下 T-5');
    expect(result.lang).toBe('zh');
    expect(result.problem).toEqual({ key: 'usage.unknown', params: { verb: '催一下' } });
    expect(result.usage.map((u) => u.key)).toEqual(FULL_USAGE);
  });

  test.each<[string, Lang | undefined, Lang]>([
    ['', undefined, 'zh'],
    ['', 'en', 'en'],
    ['   ', 'en', 'en'],
    ['/ticket', 'en', 'en'],
    ['#工单', 'zh', 'zh'],
    ['\u3000', 'en', 'en'],
  ])('empty command %j (fallback %s) shows the help header in %s', (input, fallback, lang) => {
    const result = fails(input, fallback);
    expect(result.lang).toBe(lang);
    expect(result.problem).toEqual({ key: 'usage.header' });
    expect(result.usage.map((u) => u.key)).toEqual(FULL_USAGE);
  });

  test.each<Lang>(['zh', 'en'])('the full usage renders in %s without placeholders and teaches every verb', (lang) => {
    const lines = renderAll(lang, fails('frobnicate').usage);
    expect(lines).toHaveLength(ALL_VERBS.length + 1);
    for (const line of lines) expect(line).not.toMatch(PLACEHOLDER);
    for (const [i, verb] of ALL_VERBS.entries()) expect(lines[i + 1]?.startsWith(USAGE_WORD[verb][lang])).toBe(true);
    expect(render(lang, fails('frobnicate').problem)).toContain('frobnicate');
  });
});

describe('parseCommand: bad arguments', () => {
  test.each<[string, Verb, Lang]>([
    ['assign', 'assign', 'en'],
    ['assign T-5', 'assign', 'en'],
    ['assign lin', 'assign', 'en'],
    ['assign @lin @zhou', 'assign', 'en'],
    ['assign @', 'assign', 'en'],
    ['指派', 'assign', 'zh'],
    ['指派 T-5', 'assign', 'zh'],
    ['transfer', 'transfer', 'en'],
    ['transfer T-5', 'transfer', 'en'],
    ['转派', 'transfer', 'zh'],
    ['转派 T-5', 'transfer', 'zh'],
    ['note', 'note', 'en'],
    ['note T-5', 'note', 'en'],
    ['备注', 'note', 'zh'],
    ['备注 T-5', 'note', 'zh'],
    ['new', 'new', 'en'],
    ['新建', 'new', 'zh'],
    ['claim foo', 'claim', 'en'],
    ['claim T-5 T-6', 'claim', 'en'],
    ['认领 一下', 'claim', 'zh'],
    ['pending later', 'pending', 'en'],
    ['resolve now', 'resolve', 'en'],
    ['解决 好了', 'resolve', 'zh'],
    ['reopen please', 'reopen', 'en'],
    ['status foo', 'status', 'en'],
    ['查询 某某', 'status', 'zh'],
    ['list everything', 'list', 'en'],
    ['list mine open', 'list', 'en'],
    ['列表 全部', 'list', 'zh'],
  ])('%j is rejected with the usage of %s in %s', (input, verb, lang) => {
    const result = fails(input);
    const typed = input.split(' ')[0];
    expect(result.lang).toBe(lang);
    expect(result.problem).toEqual({ key: 'usage.bad', params: { verb: typed, usage: { key: `usage.${verb}` } } });
    expect(result.usage).toEqual([{ key: `usage.${verb}` }]);
  });

  test.each<[string, Verb]>([
    ['assign', 'assign'],
    ['指派', 'assign'],
    ['transfer T-5', 'transfer'],
    ['转派', 'transfer'],
    ['note T-5', 'note'],
    ['备注 T-5', 'note'],
    ['new', 'new'],
    ['新建', 'new'],
    ['claim foo', 'claim'],
    ['认领 一下', 'claim'],
    ['list everything', 'list'],
    ['列表 全部', 'list'],
  ])('%j renders in both languages without placeholders, naming the verb and its usage', (input, verb) => {
    const result = fails(input);
    const typed = input.split(' ')[0] ?? '';
    for (const lang of ['zh', 'en'] as const) {
      const problem = render(lang, result.problem);
      const usage = renderAll(lang, result.usage);
      expect(problem).not.toMatch(PLACEHOLDER);
      for (const line of usage) expect(line).not.toMatch(PLACEHOLDER);
      expect(problem).toContain(typed);
      expect(usage).toHaveLength(1);
      expect(usage[0]?.startsWith(USAGE_WORD[verb][lang])).toBe(true);
      // The problem embeds the verb's own usage line, rendered in the same language.
      expect(problem).toContain(usage[0]);
    }
  });

  test('the usage is rendered in the language of the verb typed', () => {
    const zh = fails('指派 T-5');
    expect(render(zh.lang, zh.problem)).toBe('「指派」的用法：指派 @客服 [工单号] — 指派给客服');
    const en = fails('assign T-5');
    expect(render(en.lang, en.problem)).toBe('Usage of "assign": assign @agent [ticket] — give a ticket to an agent');
  });
});

/* Regressions found in review. */
describe('parseCommand: regressions', () => {
  // A token shaped like a ticket number that is not a valid one (T-0, 13 digits) is dropped silently, so
  // `close T-0 spam` closes whatever ticket the thread belongs to instead of being rejected.
  test('an invalid ticket number is rejected rather than silently dropped', () => {
    expect(parseCommand('close T-0 spam').ok).toBe(false);
    expect(parseCommand('status T-1234567890123').ok).toBe(false);
  });

  // t() treats any string parameter equal to a catalogue key as that entry, so an unknown verb typed as
  // `reply.status` renders the status template (with raw {placeholders}) instead of echoing the word.
  test('an unknown verb that looks like a catalogue key is echoed literally', () => {
    const result = fails('reply.status');
    expect(render('en', result.problem)).toBe('There is no "reply.status" command.');
  });
});

describe('parseCommand: duty and sla', () => {
  test.each<[string, Command, Lang]>([
    ['duty on', { verb: 'duty', on: true }, 'en'],
    ['duty off', { verb: 'duty', on: false }, 'en'],
    ['DUTY ON', { verb: 'duty', on: true }, 'en'],
    ['Duty Off', { verb: 'duty', on: false }, 'en'],
    ['上班', { verb: 'duty', on: true }, 'zh'],
    ['下班', { verb: 'duty', on: false }, 'zh'],
    ['/ticket duty off', { verb: 'duty', on: false }, 'en'],
    ['#工单 上班', { verb: 'duty', on: true }, 'zh'],
    ['sla', { verb: 'sla' }, 'en'],
    ['SLA', { verb: 'sla' }, 'en'],
    ['时效', { verb: 'sla' }, 'zh'],
    ['/ticket sla', { verb: 'sla' }, 'en'],
  ])('%j', (input, expected, lang) => {
    const result = parsesTo(input);
    expect(result.command).toEqual(expected);
    expect(result.lang).toBe(lang);
  });

  test.each<[string, string, Verb, Lang]>([
    ['duty', 'duty', 'duty', 'en'],
    ['duty maybe', 'duty', 'duty', 'en'],
    ['duty on off', 'duty', 'duty', 'en'],
    ['duty T-5', 'duty', 'duty', 'en'],
    ['上班 now', '上班', 'duty', 'zh'],
    ['下班 T-5', '下班', 'duty', 'zh'],
    ['sla extra', 'sla', 'sla', 'en'],
    ['SLA T-5', 'SLA', 'sla', 'en'],
    ['时效 全部', '时效', 'sla', 'zh'],
  ])('%j is rejected with the usage of %s in %s', (input, typed, verb, lang) => {
    const result = fails(input);
    expect(result.lang).toBe(lang);
    expect(result.problem).toEqual({ key: 'usage.bad', params: { verb: typed, usage: { key: `usage.${verb}` } } });
    expect(result.usage).toEqual([{ key: `usage.${verb}` }]);
  });

  test('the duty usage is rendered in the language of the verb typed', () => {
    const en = fails('duty maybe');
    expect(render(en.lang, en.problem)).toBe('Usage of "duty": duty on|off — start or stop receiving auto-assigned tickets');
    const zh = fails('上班 now');
    expect(render(zh.lang, zh.problem)).toBe('「上班」的用法：上班 | 下班 — 开始或停止接收自动分配的工单');
  });

  test('the reply language follows the verb, not the fallback', () => {
    expect(parseCommand('duty on', 'zh').lang).toBe('en');
    expect(parseCommand('sla', 'zh').lang).toBe('en');
    expect(parseCommand('下班', 'en').lang).toBe('zh');
    expect(parseCommand('时效', 'en').lang).toBe('zh');
  });
});
