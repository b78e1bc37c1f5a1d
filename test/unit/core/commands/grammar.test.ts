import { describe, expect, test } from 'vitest';
import { type Command, parseCommand } from '../../../../core/commands/grammar.js';
import type { Lang } from '../../../../core/i18n/translate.js';

import { fails, parsesTo } from './grammar-fixtures.js';

/*
 * The chat command grammar, from the outside: text in, Command (or problem + usage) out.
 * Expected commands are written out by hand; nothing here reads tables from the implementation.
 */

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
