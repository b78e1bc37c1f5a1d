import { describe, expect, test } from 'vitest';
import { DEFAULT_ORDER_PATTERNS, extractOrderIds } from '../../../../knowledge/triage/order-ids.js';

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
