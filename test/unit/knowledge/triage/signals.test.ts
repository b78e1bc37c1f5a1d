import { describe, expect, test } from 'vitest';
import { detectLanguage } from '../../../../knowledge/triage/language.js';
import { isVipTier, moreUrgent, priorityFloor, rulePriority, sentimentOf } from '../../../../knowledge/triage/priority.js';
import { detectSignals, largestAmount, signalNames } from '../../../../knowledge/triage/signals.js';

describe('largestAmount', () => {
  test.each([
    ['扣了¥5,000', { cny: 5000, usd: 0 }],
    ['一共6000多元', { cny: 6000, usd: 0 }],
    ['一万二的相机', { cny: 12000, usd: 0 }],
    ['支付宝扣了3万2', { cny: 32000, usd: 0 }],
    ['1.5万的沙发', { cny: 15000, usd: 0 }],
    ['三千五块钱', { cny: 3500, usd: 0 }],
    ['$1,899 x2', { cny: 0, usd: 1899 }],
    ['paid 1200 dollars', { cny: 0, usd: 1200 }],
    ['$2k TV', { cny: 0, usd: 2000 }],
    ['2,300 reward points and order 1234567890123456789', { cny: 0, usd: 0 }],
  ])('%s', (text, expected) => {
    expect(largestAmount(text)).toEqual(expected);
  });
});

describe('detectSignals', () => {
  test('each rule family fires on its own words, in Chinese and English', () => {
    expect(detectSignals('再不处理我就打12315').legal).toBe(true);
    expect(detectSignals('已经向消协反映了').legal).toBe(true);
    expect(detectSignals('my lawyer will contact you').legal).toBe(true);
    expect(detectSignals('我要发小红书曝光').media).toBe(true);
    expect(detectSignals('going to the press with this').media).toBe(true);
    expect(detectSignals('充电宝冒烟了').safety).toBe(true);
    expect(detectSignals('my daughter got a rash').safety).toBe(true);
    expect(detectSignals('账号被盗了').fraud).toBe(true);
    expect(detectSignals('第三次来问了').repeated).toBe(true);
    expect(detectSignals('asking again, nobody replied').repeated).toBe(true);
    expect(detectSignals('收到杯子碎了').broken).toBe(true);
    expect(detectSignals('It arrived DOA').broken).toBe(true);
    expect(detectSignals('显示签收了但是没收到').lost).toBe(true);
    expect(detectSignals('后天出国，今天必须发').urgent).toBe(true);
    expect(detectSignals('TWO WEEKS and still nothing').angry).toBe(true);
    expect(detectSignals('not happy with this').angry).toBe(true);
    expect(detectSignals('谢谢亲').polite).toBe(true);
  });

  test('a quiet question fires nothing but `question`', () => {
    const s = detectSignals('这款有蓝色的吗');
    expect(signalNames(s)).toEqual(['sig:question']);
    // "抖音" alone is a shop channel, not a media threat.
    expect(detectSignals('我在抖音直播间拍的').media).toBe(false);
  });
});

describe('priority and sentiment from signals', () => {
  const none = detectSignals('ok');
  test('rulePriority', () => {
    expect(rulePriority(detectSignals('律师函已经发了'), 'consultation')).toBe('P1');
    expect(rulePriority(detectSignals('又坏了'), 'product_quality')).toBe('P2');
    expect(rulePriority(none, 'consultation')).toBe('P4');
    expect(rulePriority(none, 'refund')).toBe('P3');
    expect(rulePriority(none, 'consultation', { customerTier: 'VIP' })).toBe('P2');
    expect(rulePriority(none, 'misc', { lowCategories: ['misc'] })).toBe('P4');
  });

  test('priorityFloor keeps hard signals, moreUrgent picks the lower number', () => {
    expect(priorityFloor(detectSignals('12315'))).toBe('P1');
    expect(priorityFloor(none, 'vip')).toBe('P2');
    expect(priorityFloor(detectSignals('太差了！！'))).toBe('P4');
    expect(moreUrgent('P3', 'P2')).toBe('P2');
    expect(moreUrgent('P1', 'P4')).toBe('P1');
    expect(isVipTier('gold')).toBe(true);
    expect(isVipTier('regular')).toBe(false);
    expect(isVipTier(undefined)).toBe(false);
  });

  test('sentimentOf', () => {
    expect(sentimentOf(detectSignals('垃圾店铺'))).toBe('negative');
    expect(sentimentOf(detectSignals('thank you!'))).toBe('positive');
    expect(sentimentOf(detectSignals('not happy, thanks'))).toBe('negative');
    expect(sentimentOf(none)).toBe('neutral');
  });
});

describe('detectLanguage', () => {
  test.each([
    ['退款什么时候到', 'zh'],
    ['Where is my refund?', 'en'],
    ['VIP会员', 'zh'],
    ['ok好的', 'zh'],
    ['Please ship to 李女士, thanks a lot', 'en'],
    ['😡😡', 'en'],
  ] as const)('%s → %s', (text, lang) => {
    expect(detectLanguage(text)).toBe(lang);
  });
});
