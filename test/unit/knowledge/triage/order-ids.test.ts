import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { BUNDLED_CONFIG, loadConfig, parseConfig } from '../../../../core/config.js';
import { LocalClassifier } from '../../../../knowledge/triage/local-classifier.js';
import { DEFAULT_ORDER_PATTERNS, extractOrderIds, orderPatternsFor } from '../../../../knowledge/triage/order-ids.js';

describe('extractOrderIds', () => {
  test.each([
    ['订单号1234567890123456789没到', ['1234567890123456789']],
    ['京东订单301928475613', ['301928475613']],
    ['拼多多那单240817-093725581624153', ['240817-093725581624153']],
    ['Amazon order 112-7730291-5526314 please', ['112-7730291-5526314']],
    ['order #SO20261019-0211 and so-123456', ['SO20261019-0211', 'SO-123456']],
    ['Order #10517 is late', ['10517']],
    ['订单号#8842 还没发', ['8842']],
    ['two orders: 3820194756102938475 和 3820194756102938476, again 3820194756102938475', ['3820194756102938475', '3820194756102938476']],
  ])('%s', (text, ids) => {
    expect(extractOrderIds(text)).toEqual(ids);
  });

  test('not order numbers: phone numbers, ID card numbers, short numbers without "order", amounts', () => {
    expect(extractOrderIds('电话13812345678')).toEqual([]);
    expect(extractOrderIds('身份证号440304198807152316 可以核实')).toEqual([]);
    expect(extractOrderIds('I have #10517 problems')).toEqual([]);
    expect(extractOrderIds('paid $1,899 for 2 items')).toEqual([]);
  });

  test('custom patterns replace the defaults', () => {
    expect(extractOrderIds('AB-1234 and 1234567890123456789', [{ source: 'ab', pattern: /AB-\d{4}/g }])).toEqual(['AB-1234']);
    expect(DEFAULT_ORDER_PATTERNS.map((p) => p.source)).toContain('taobao');
  });
});

describe('shop-specific order-number formats from the config', () => {
  test('are extracted on top of the built-in ones, by the local classifier too', async () => {
    const base = loadConfig(BUNDLED_CONFIG);
    const config = { ...base, orderNumbers: [{ source: 'mini-program', pattern: 'WX\\d{8}' }] };
    const text = '小程序订单 WX20261123 和淘宝单 1234567890123456789 都没发货';
    expect(orderPatternsFor(config).map((p) => p.source)).toContain('mini-program');
    const classifier = LocalClassifier.train(config);
    expect((await classifier.classify(text, { config })).orderIds.sort()).toEqual(['1234567890123456789', 'WX20261123']);
    expect((await classifier.classify(text, { config: base })).orderIds).toEqual(['1234567890123456789']);
  });

  test('an invalid pattern is a config error', () => {
    const raw = { ...JSON.parse(readFileSync(BUNDLED_CONFIG, 'utf8')), orderNumbers: [{ source: 'x', pattern: '(' }] };
    expect(() => parseConfig(JSON.stringify(raw), 'json')).toThrow(/not a valid regular expression[\s\S]*orderNumbers\[0\]\.pattern/);
  });
});
