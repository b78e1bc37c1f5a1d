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

// Hard signals put a P1/P2 floor under every priority (the LLM's too), so a false positive on an everyday
// phrase escalates tickets that no agent or model can lower. Each row: text, signal, expected.
describe('hard signals: everyday phrases do not fire, real threats still do', () => {
  test.each([
    // false positives found in review
    ['Hi, any news on my order #10517?', 'media', false],
    ['这款多媒体音箱有蓝牙吗', 'media', false],
    ['Do you sell a media console in oak?', 'media', false],
    ['这款相机曝光补偿怎么调', 'media', false],
    ['Is this pillow hypoallergenic?', 'safety', false],
    ['Is the choker necklace adjustable?', 'safety', false],
    ['Do you have this jacket in smoke grey?', 'safety', false],
    ['手机充电到一半就自动关机了', 'safety', false],
    ['收到的不是我买的那款', 'fraud', false],
    ['发来的不是我买的颜色', 'fraud', false],
    ['这个是5千克装吗', 'largeAmount', false],
    ['2万毫安的充电宝能带上飞机吗', 'largeAmount', false],
    ['Thanks again!', 'repeated', false],
    ['再次感谢', 'repeated', false],
    ['Will definitely order again', 'repeated', false],
    ['这是我第二次买你们家的了', 'repeated', false],
    // true positives that must keep firing
    ['记者已经联系我了', 'media', true],
    ['I will contact the media about this', 'media', true],
    ['I am talking to a journalist', 'media', true],
    ['this will be on the news', 'media', true],
    ['我要去媒体曝光你们', 'media', true],
    ['我要发小红书曝光', 'media', true],
    ['插座电到我了', 'safety', true],
    ['手被电到了', 'safety', true],
    ['这个热水壶漏电', 'safety', true],
    ['用了面霜过敏了', 'safety', true],
    ['My son had an allergic reaction to it', 'safety', true],
    ['my baby choked on a small part', 'safety', true],
    ['there was smoke coming out of the charger', 'safety', true],
    ['充电宝冒烟了', 'safety', true],
    ['有骗子冒充你们客服给我打电话', 'fraud', true],
    ['This looks like fraud, I never placed this order', 'fraud', true],
    ['我遇到诈骗了', 'fraud', true],
    ['这单不是我买的，账号被人登录了', 'fraud', true],
    ['扣了我5000元', 'largeAmount', true],
    ['扣了¥5000', 'largeAmount', true],
    ['扣了一万二 订单还没生成', 'largeAmount', true],
    ['第三次问了，到底什么时候退款', 'repeated', true],
    ['I have asked again and again', 'repeated', true],
    ['I asked again yesterday and nobody answered', 'repeated', true],
    ['asking again, nobody replied', 'repeated', true],
    ['再次询问一下我的退款', 'repeated', true],
    // missed by the first narrowing, found in a second review
    ['我被电到，手都麻了', 'safety', true],
    ['it smokes when charging', 'safety', true],
    ['smoked grey lens', 'safety', false],
    ['刚收到银行短信不是我本人操作的', 'fraud', true],
    ['收到扣款通知不是我操作的', 'fraud', true],
    ['收到的东西不是我买的', 'fraud', false],
    ['我再次发消息问一下', 'repeated', true],
    ['I am sending this again, no reply', 'repeated', true],
    ['被骗了2万人民币', 'largeAmount', true],
    ['损失两万人民币', 'largeAmount', true],
    ['1万人排队', 'largeAmount', false],
  ] as const)('%s → %s: %s', (text, signal, expected) => {
    expect(detectSignals(text)[signal]).toBe(expected);
  });

  test('"骗子" said of the shop is anger (P2), not account fraud', () => {
    expect(detectSignals('你们就是骗子').angry).toBe(true);
    expect(sentimentOf(detectSignals('你们就是骗子'))).toBe('negative');
  });

  test('the false positives get no hard floor, and thanks stay positive', () => {
    for (const text of [
      'Hi, any news on my order #10517?',
      '这款多媒体音箱有蓝牙吗',
      'Is this pillow hypoallergenic?',
      '这个是5千克装吗',
      'Thanks again!',
      '再次感谢',
    ]) {
      expect(priorityFloor(detectSignals(text))).toBe('P4');
    }
    expect(sentimentOf(detectSignals('Thanks again!'))).toBe('positive');
    expect(sentimentOf(detectSignals('再次感谢'))).toBe('positive');
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
    // links and e-mail addresses are not English words
    ['退款还没到 https://detail.tmall.com/item.htm?id=6723', 'zh'],
    ['发票发邮箱 wei.zhang@abc-trading.com.cn', 'zh'],
    ['Where is my refund? 详情 https://detail.tmall.com/item.htm?id=6723', 'en'],
    // a Chinese sentence around an English product name is Chinese…
    ['Nike Air Force 1 Low White 还有42码吗', 'zh'],
    ['Apple MacBook Pro 14 M3 Max 有现货吗', 'zh'],
    // …and an English sentence around a Chinese name is English
    ['Please send it to 王小明', 'en'],
    ['Ship to 张伟', 'en'],
    ['I ordered the 保温杯 last week, where is it?', 'en'],
  ] as const)('%s → %s', (text, lang) => {
    expect(detectLanguage(text)).toBe(lang);
  });
});
