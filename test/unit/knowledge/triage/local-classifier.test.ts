import { describe, expect, test } from 'vitest';
import { type AppConfig, BUNDLED_CONFIG, loadConfig, parseConfig } from '../../../../core/config.js';
import { AppError } from '../../../../core/errors.js';
import { type LabelledExample, LocalClassifier } from '../../../../knowledge/triage/local-classifier.js';

const config = loadConfig(BUNDLED_CONFIG);
const ctx = { config };
const trained = LocalClassifier.train(config);

const RANK = { P1: 1, P2: 2, P3: 3, P4: 4 } as const;

describe('LocalClassifier: triage fields', () => {
  test('answers with a configured category, a calibrated confidence and every field', async () => {
    const t = await trained.classify('显示已签收但我根本没收到啊！！订单 1234567890123456789', ctx);
    expect(config.categories.map((c) => c.id)).toContain(t.category);
    expect(t.category).toBe('shipping_logistics');
    expect(t.confidence).toBeGreaterThan(0);
    expect(t.confidence).toBeLessThanOrEqual(1);
    expect(t).toMatchObject({ language: 'zh', sentiment: 'negative', orderIds: ['1234567890123456789'] });
  });

  test('title is PII-masked before it is cut', async () => {
    const t = await trained.classify(`我的手机号13812345678，地址写错了${'很长'.repeat(40)}\n第二行`, ctx);
    expect(t.title).toContain('138****5678');
    expect(t.title).not.toContain('13812345678');
    expect([...t.title].length).toBeLessThanOrEqual(60);
    expect(t.title.endsWith('…')).toBe(true);
  });

  test('language: Chinese, English and mixed messages', async () => {
    expect((await trained.classify('这款有蓝色的吗', ctx)).language).toBe('zh');
    expect((await trained.classify('Do you have this in blue?', ctx)).language).toBe('en');
    expect((await trained.classify('iPhone 15能用这个壳吗', ctx)).language).toBe('zh');
    expect((await trained.classify('Please send it to 李女士 at the office, thanks', ctx)).language).toBe('en');
  });

  test('sentiment: angry, thankful and neutral', async () => {
    expect((await trained.classify('客服态度太差了，气死我了😡', ctx)).sentiment).toBe('negative');
    expect((await trained.classify('Terrible service, nobody answers', ctx)).sentiment).toBe('negative');
    expect((await trained.classify('收到了，很喜欢，谢谢👍', ctx)).sentiment).toBe('positive');
    expect((await trained.classify('Thanks so much, great service!', ctx)).sentiment).toBe('positive');
    expect((await trained.classify('这个能机洗吗', ctx)).sentiment).toBe('neutral');
  });
});

describe('LocalClassifier: priority rules', () => {
  const priority = async (text: string, customerTier?: string) => (await trained.classify(text, { config, customerTier })).priority;

  test('legal, media and safety threats are P1', async () => {
    expect(await priority('再不处理我就打12315了')).toBe('P1');
    expect(await priority('这事我会找律师的')).toBe('P1');
    expect(await priority('我要发微博曝光你们')).toBe('P1');
    expect(await priority('孩子用了之后手被烫伤了，起了水泡')).toBe('P1');
    expect(await priority('The heater caught fire and my son was injured')).toBe('P1');
    expect(await priority('I will sue you')).toBe('P1');
  });

  test('large amounts are P1: ≥ ¥5000 or ≥ $1000', async () => {
    expect(await priority('同一个订单扣了我两次，一次6000元')).toBe('P1');
    expect(await priority('扣了一万二 订单还没生成')).toBe('P1');
    expect(await priority('I was charged $1,899 twice')).toBe('P1');
    expect(RANK[await priority('退款少了20块')]).toBeGreaterThan(1);
  });

  test('repeated contact and VIP customers are at least P2', async () => {
    expect(RANK[await priority('第三次问了，我的退款到底什么时候到')]).toBeLessThanOrEqual(2);
    expect(RANK[await priority('This is the third time I am asking about my order')]).toBeLessThanOrEqual(2);
    expect(RANK[await priority('这款有蓝色的吗', 'vip')]).toBeLessThanOrEqual(2);
  });

  test('a plain product question is P4; routine after-sales is P3', async () => {
    expect(await priority('这款有蓝色的吗')).toBe('P4');
    expect(await priority('Is this available in size XL?')).toBe('P4');
    expect(await priority('发票抬头写错了，能重开吗')).toBe('P3');
  });
});

describe('LocalClassifier: corrections, retraining, persistence', () => {
  const TEXT = '杯子能放洗碗机吗';
  const SIMILAR = '杯子能放洗碗机吗？';

  test('a correction changes the prediction for that text and near copies at once, and survives retrain and JSON', async () => {
    const classifier = LocalClassifier.train(config);
    const before = await classifier.classify(TEXT, ctx);
    const target = before.category === 'product_quality' ? 'invoice' : 'product_quality';
    classifier.correct({ text: TEXT, category: target, priority: 'P2' });
    expect(await classifier.classify(TEXT, ctx)).toMatchObject({ category: target, priority: 'P2' });
    expect((await classifier.classify(SIMILAR, ctx)).category).toBe(target);
    classifier.retrain();
    expect((await classifier.classify(TEXT, ctx)).category).toBe(target);
    const restored = LocalClassifier.fromJSON(JSON.parse(JSON.stringify(classifier.toJSON())));
    expect(await restored.classify(TEXT, ctx)).toEqual(await classifier.classify(TEXT, ctx));
    expect(restored.corrections).toEqual([{ text: TEXT, category: target, priority: 'P2' }]);
  });

  test('a remembered priority correction never goes below the hard floors', () => {
    const text = '你好，我上周在你们店买的那件黑色羽绒服可以直接放洗衣机机洗吗，洗了以后会不会跑绒或者变形';
    for (const priorityMode of ['auto', 'rules'] as const) {
      const classifier = LocalClassifier.train(config, [], { priorityMode });
      classifier.correct({ text, priority: 'P3' });
      expect(classifier.triage(text, ctx).priority).toBe('P3');
      // Near copies still get the agent's label, but a legal threat or a repeated contact lifts it.
      expect(classifier.triage(`${text}，不然我打12315`, ctx).priority).toBe('P1');
      expect(classifier.triage(`${text}，第三次问了`, ctx).priority).toBe('P2');
      // An agent's more urgent correction stands.
      classifier.correct({ text, priority: 'P1' });
      expect(classifier.triage(`${text}，第三次问了`, ctx).priority).toBe('P1');
    }
  });

  test('the model itself learns the correction (not only the memory): a paraphrase moves too', () => {
    const classifier = LocalClassifier.train(config, [], { correctionSimilarity: 1.01 });
    const x = '这个保温杯可以进洗碗机吗';
    const before = classifier.triage(x, ctx);
    const target = before.category === 'product_quality' ? 'invoice' : 'product_quality';
    classifier.correct({ text: x, category: target });
    expect(classifier.triage(x, ctx).category).toBe(target);
    expect(classifier.triage('保温杯可以进洗碗机吗', ctx).category).toBe(target);
  });

  test('corrections store masked text; unknown categories are refused', () => {
    const classifier = LocalClassifier.train(config);
    classifier.correct({ text: '电话13812345678 退款呢', category: 'refund' });
    expect(classifier.corrections[0]?.text).toBe('电话138****5678 退款呢');
    expect(() => classifier.correct({ text: 'x', category: 'weather' })).toThrow(AppError);
  });

  test('serialisation round trip gives identical predictions', () => {
    const history: LabelledExample[] = Array.from({ length: 40 }, (_, i) => ({
      text: i % 2 ? `第${i}单 退款还没到账` : `请问第${i}款有没有大码`,
      category: i % 2 ? 'refund' : 'consultation',
      priority: i % 2 ? 'P3' : 'P4',
    }));
    const classifier = LocalClassifier.train(config, history);
    expect(classifier.hasPriorityModel).toBe(true);
    const restored = LocalClassifier.fromJSON(JSON.parse(JSON.stringify(classifier.toJSON())));
    expect(restored.hasPriorityModel).toBe(true);
    for (const text of ['退款还没到账', 'where is my parcel?', '我要投诉', '🙂', '']) {
      expect(restored.triage(text, ctx)).toEqual(classifier.triage(text, ctx));
    }
  });

  test('fromJSON rejects a damaged model with INVALID_INPUT', () => {
    expect(() => LocalClassifier.fromJSON({ kind: 'something else' })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  test('new LocalClassifier() trains lazily from the config of the first call; a new category set retrains', async () => {
    const lazy = new LocalClassifier();
    expect(lazy.labels).toEqual([]);
    expect((await lazy.classify('能开发票吗？要公司抬头的', ctx)).category).toBe('invoice');
    const small: AppConfig = parseConfig(
      JSON.stringify({
        defaultTeam: 'all',
        teams: [{ id: 'all', name: { zh: '全部', en: 'All' } }],
        categories: [
          { id: 'money', name: { zh: '钱', en: 'Money' }, examples: ['退款', '发票', 'refund please'] },
          { id: 'goods', name: { zh: '货', en: 'Goods' }, examples: ['快递', '尺码', 'where is my parcel'] },
        ],
        priorities: (['P1', 'P2', 'P3', 'P4'] as const).map((id) => ({ id, name: { zh: id, en: id } })),
      }),
      'json',
    );
    expect(['money', 'goods']).toContain((await lazy.classify('退款什么时候到', { config: small })).category);
    expect(lazy.labels).toEqual(['money', 'goods']);
  });

  test('training examples with unconfigured categories are skipped, not fatal', () => {
    const classifier = LocalClassifier.train(config, [{ text: '天气不错', category: 'weather' }]);
    expect(classifier.labels).toEqual(config.categories.map((c) => c.id));
  });
});
