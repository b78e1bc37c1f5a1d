import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { chooseTeam, type RoutingConfig, type RoutingInput, ZRoutingConfig } from '../../../../core/routing/rules.js';

const routing = (input: z.input<typeof ZRoutingConfig>): RoutingConfig => ZRoutingConfig.parse(input);
const input = (overrides: Partial<RoutingInput> = {}): RoutingInput => ({
  category: 'other',
  language: 'zh',
  customerTier: 'standard',
  channel: 'web',
  text: '你好',
  ...overrides,
});
const FALLBACK = { categoryTeam: 'care', defaultTeam: 'general' };
const teamOf = (r: RoutingConfig, i: RoutingInput, fallback = FALLBACK) => chooseTeam(r, fallback, i).teamId;

describe('ZRoutingConfig', () => {
  it('defaults: no rules, auto-assign on, pending tickets count towards the load', () => {
    expect(routing({})).toEqual({ rules: [], autoAssign: true, countPending: true });
  });

  it('a rule needs no skills by default', () => {
    expect(routing({ rules: [{ team: 'vip' }] }).rules).toEqual([{ team: 'vip', skills: [] }]);
  });

  it.each([
    ['an empty condition list', { rules: [{ team: 'vip', keywords: [] }] }],
    ['an unknown language', { rules: [{ team: 'vip', language: ['fr'] }] }],
    ['an unknown channel', { rules: [{ team: 'vip', channel: ['fax'] }] }],
    ['a rule without a team', { rules: [{ category: ['refund'] }] }],
    ['an unknown rule field', { rules: [{ team: 'vip', colour: 'red' }] }],
    ['an unknown setting', { roundRobin: true }],
    ['a condition given as a single string', { rules: [{ team: 'vip', category: 'refund' }] }],
  ])('refuses %s', (_, value) => {
    expect(ZRoutingConfig.safeParse(value).success).toBe(false);
  });
});

describe('chooseTeam: conditions', () => {
  it('category', () => {
    const r = routing({ rules: [{ team: 'money', category: ['refund', 'payment'] }] });
    expect(teamOf(r, input({ category: 'payment' }))).toBe('money');
    expect(teamOf(r, input({ category: 'invoice' }))).toBe('care');
  });

  it('language', () => {
    const r = routing({ rules: [{ team: 'intl', language: ['en'] }] });
    expect(teamOf(r, input({ language: 'en' }))).toBe('intl');
    expect(teamOf(r, input({ language: 'zh' }))).toBe('care');
  });

  it('tier', () => {
    const r = routing({ rules: [{ team: 'vip', tier: ['vip', 'gold'] }] });
    expect(teamOf(r, input({ customerTier: 'gold' }))).toBe('vip');
    expect(teamOf(r, input({ customerTier: 'standard' }))).toBe('care');
  });

  it('channel', () => {
    const r = routing({ rules: [{ team: 'phone-desk', channel: ['phone', 'email'] }] });
    expect(teamOf(r, input({ channel: 'email' }))).toBe('phone-desk');
    expect(teamOf(r, input({ channel: 'slack' }))).toBe('care');
  });

  it('keywords match case-insensitively, as substrings', () => {
    const r = routing({ rules: [{ team: 'legal', keywords: ['Lawyer', 'consumer association'] }] });
    expect(teamOf(r, input({ text: 'My LAWYER will call you' }))).toBe('legal');
    expect(teamOf(r, input({ text: 'I will write to the Consumer Association' }))).toBe('legal');
    expect(teamOf(r, input({ text: 'lawyers everywhere' }))).toBe('legal');
    expect(teamOf(r, input({ text: 'I want a refund' }))).toBe('care');
  });

  it('keywords match inside Chinese text without spaces', () => {
    const r = routing({ rules: [{ team: 'legal', keywords: ['投诉', '12315'] }] });
    expect(teamOf(r, input({ text: '再不处理我就去12315投诉你们' }))).toBe('legal');
    expect(teamOf(r, input({ text: '我要打电话给消协' }))).toBe('care');
  });

  it('every condition given must hold', () => {
    const r = routing({ rules: [{ team: 'vip-money', category: ['refund'], tier: ['vip'], language: ['zh'], channel: ['web'], keywords: ['退款'] }] });
    const all = input({ category: 'refund', customerTier: 'vip', text: '退款还没到' });
    expect(teamOf(r, all)).toBe('vip-money');
    expect(teamOf(r, { ...all, category: 'payment' })).toBe('care');
    expect(teamOf(r, { ...all, customerTier: 'standard' })).toBe('care');
    expect(teamOf(r, { ...all, language: 'en' })).toBe('care');
    expect(teamOf(r, { ...all, channel: 'email' })).toBe('care');
    expect(teamOf(r, { ...all, text: '钱还没到' })).toBe('care');
  });

  it('a rule without conditions matches every ticket', () => {
    expect(teamOf(routing({ rules: [{ team: 'all' }] }), input())).toBe('all');
  });
});

describe('chooseTeam: order and fallback', () => {
  const r = routing({
    rules: [
      { team: 'vip', tier: ['vip'], skills: ['vip'] },
      { team: 'money', category: ['refund'], skills: ['refund', 'finance'] },
      { team: 'never', category: ['refund'] },
    ],
  });

  it('the first matching rule wins, with its index and skills', () => {
    expect(chooseTeam(r, FALLBACK, input({ category: 'refund', customerTier: 'vip' }))).toEqual({ teamId: 'vip', skills: ['vip'], rule: 0 });
    expect(chooseTeam(r, FALLBACK, input({ category: 'refund' }))).toEqual({ teamId: 'money', skills: ['refund', 'finance'], rule: 1 });
  });

  it("no match: the category's team, without skills", () => {
    expect(chooseTeam(r, FALLBACK, input({ category: 'invoice' }))).toEqual({ teamId: 'care', skills: [], rule: null });
  });

  it('no match and no category team: the default team', () => {
    expect(chooseTeam(r, { categoryTeam: undefined, defaultTeam: 'general' }, input())).toEqual({ teamId: 'general', skills: [], rule: null });
  });

  it('no rules at all: the fallback', () => {
    expect(chooseTeam(routing({}), FALLBACK, input({ customerTier: 'vip' }))).toEqual({ teamId: 'care', skills: [], rule: null });
  });
});
