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

  test.each([
    // a product link's item id is not an order (12 digits look like a JD order)
    ['这个能用吗 https://item.taobao.com/item.htm?id=675432109876', []],
    ['https://item.jd.com/100012043978.html 有货吗', []],
    ['看这个 item.jd.com/100012043978.html', []],
    // a landline without a dash, a bank card (PII on a ticket card)
    ['座机075583765432', []],
    ['电话：0755 8376 5432，订单号1234567890123456789', ['1234567890123456789']],
    ['退款请退到我的银行卡6217001234567890123', []],
    ['卡号 6217 0012 3456 7890 123', []],
    ['my card number is 4111111111111111', []],
    // a QQ mail address is digits too
    ['发票发到301928475613@qq.com', []],
  ] as const)('not an order number: %s', (text, ids) => {
    expect(extractOrderIds(text)).toEqual(ids);
  });

  test('real order numbers still count, next to links and cues, and inside an order link', () => {
    expect(extractOrderIds('https://item.jd.com/100012043978.html 这个我买了，京东订单301928475613')).toEqual(['301928475613']);
    expect(extractOrderIds('手机 3820194756102938475 还没发货')).toEqual(['3820194756102938475']);
    expect(extractOrderIds('订单详情 https://buyertrade.taobao.com/trade/detail/trade_item_detail.htm?bizOrderId=3820194756102938475')).toEqual([
      '3820194756102938475',
    ]);
    expect(extractOrderIds('退到银行卡了吗？订单号1234567890123456789')).toEqual(['1234567890123456789']);
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

  test("the shop's own formats are not taken from links or phone numbers either, and still work beside them", () => {
    const config = { orderNumbers: [{ source: 'erp', pattern: '\\b\\d{10}\\b' }] };
    const patterns = orderPatternsFor(config);
    expect(extractOrderIds('https://shop.example.com/item/4412345678 有货吗', patterns)).toEqual([]);
    expect(extractOrderIds('电话 0755837654 订单 4412345678', patterns)).toEqual(['4412345678']);
  });

  test('an invalid pattern is a config error', () => {
    const raw = { ...JSON.parse(readFileSync(BUNDLED_CONFIG, 'utf8')), orderNumbers: [{ source: 'x', pattern: '(' }] };
    expect(() => parseConfig(JSON.stringify(raw), 'json')).toThrow(/not a valid regular expression[\s\S]*orderNumbers\[0\]\.pattern/);
  });
});
