import { describe, expect, test } from 'vitest';
import { type Command, parseCommand, type Verb } from '../../../../core/commands/grammar.js';
import { type Lang, render } from '../../../../core/i18n/translate.js';

import { ALL_VERBS, fails, PLACEHOLDER, parsesTo, renderAll, USAGE_WORD } from './grammar-fixtures.js';

/*
 * The chat command grammar, from the outside: text in, Command (or problem + usage) out.
 * Expected commands are written out by hand; nothing here reads tables from the implementation.
 */

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
