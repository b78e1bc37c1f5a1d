import { describe, expect, test } from 'vitest';
import { catalogue } from '../../../../core/i18n/catalogue.js';
import { detectLang, langFromHeader, type MessageKey, t } from '../../../../core/i18n/translate.js';

const entries = Object.entries(catalogue) as [MessageKey, { zh: string; en: string }][];
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const HAN = /\p{Script=Han}/u;

describe('the message catalogue', () => {
  test('is not empty and has the keys the code relies on', () => {
    expect(entries.length).toBeGreaterThan(50);
    for (const key of ['error.internal', 'usage.header', 'usage.unknown', 'usage.bad', 'status.closed', 'reply.created'])
      expect(catalogue).toHaveProperty([key]);
  });

  test.each(entries)('%s has non-empty zh and en', (_key, entry) => {
    expect(Object.keys(entry).sort()).toEqual(['en', 'zh']);
    expect(entry.zh.trim()).not.toBe('');
    expect(entry.en.trim()).not.toBe('');
  });

  test.each(entries)('%s uses the same placeholders in both languages', (_key, entry) => {
    expect(new Set(placeholders(entry.zh))).toEqual(new Set(placeholders(entry.en)));
  });

  test.each(entries)('%s is Chinese in zh', (_key, entry) => {
    expect(entry.zh).toMatch(HAN);
    expect(detectLang(entry.zh)).toBe('zh');
  });

  test('placeholders are well formed: no stray braces', () => {
    for (const [key, entry] of entries) {
      for (const text of [entry.zh, entry.en]) {
        const leftover = text.replace(/\{\w+\}/g, '');
        expect(leftover, `${key}: ${text}`).not.toMatch(/[{}]/);
      }
    }
  });

  test('every status and action is translated', () => {
    const statuses = ['new', 'assigned', 'in_progress', 'pending_customer', 'resolved', 'closed'];
    for (const s of statuses) expect(catalogue).toHaveProperty([`status.${s}`]);
    for (const a of ['claim', 'assign', 'transfer', 'resolve', 'close', 'reopen']) expect(catalogue).toHaveProperty([`action.${a}`]);
  });
});

describe('t()', () => {
  test('fills placeholders in either language', () => {
    expect(t('zh', 'error.ticketNotFound', { number: 'T-000001' })).toBe('找不到工单 T-000001。');
    expect(t('en', 'reply.reopened', { number: 'T-000002', count: 3 })).toBe('Ticket T-000002 was reopened (time 3).');
  });

  test('renders a { key } parameter as that catalogue entry in the same language', () => {
    const params = { number: 'T-000001', status: { key: 'status.closed' }, action: { key: 'action.claim' } } as const;
    expect(t('zh', 'error.invalidTransition', params)).toBe('工单 T-000001 当前状态为「已关闭」，不能执行「认领」。');
    expect(t('en', 'error.invalidTransition', params)).toBe('Ticket T-000001 is closed: "claim" is not possible now.');
  });

  test('never reads plain text as a catalogue key (user text such as a title stays as typed)', () => {
    expect(t('en', 'reply.created', { number: 'T-000001', title: 'reply.status' })).toBe('Created ticket T-000001: reply.status');
  });

  test('leaves unknown placeholders as they are', () => {
    expect(t('en', 'error.ticketNotFound')).toBe('Ticket {number} was not found.');
  });
});

describe('language helpers', () => {
  test('detectLang', () => {
    expect(detectLang('退款')).toBe('zh');
    expect(detectLang('refund 退款')).toBe('zh');
    expect(detectLang('refund')).toBe('en');
    expect(detectLang('')).toBe('en');
  });

  test('langFromHeader', () => {
    expect(langFromHeader(undefined)).toBe('zh');
    expect(langFromHeader('en-GB,en;q=0.9')).toBe('en');
    expect(langFromHeader('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh');
    expect(langFromHeader('fr-FR')).toBe('zh');
  });
});
