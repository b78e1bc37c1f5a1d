import { describe, expect, test } from 'vitest';
import { AppError } from '../../../core/errors.js';
import { orderLink } from '../../../core/tickets/order-number.js';
import { configWith } from '../../helpers/automation.js';

const withLinks = (orderLinks: unknown) => configWith((raw) => Object.assign(raw, { orderLinks }));

describe('order links', () => {
  const config = withLinks([
    { match: '^\\d{18,19}$', url: 'https://trade.example.com/detail?bizOrderId={order}' },
    { match: '^SO', url: 'https://erp.example.com/orders/{order}' },
  ]);

  test('the first rule that matches gives the URL, with the order number encoded', () => {
    expect(orderLink(config, '4012345678901234567')).toBe('https://trade.example.com/detail?bizOrderId=4012345678901234567');
    expect(orderLink(config, 'SO20261019-0211')).toBe('https://erp.example.com/orders/SO20261019-0211');
    expect(orderLink(withLinks([{ url: 'https://erp.example.com/find?q={order}' }]), 'A B/1')).toBe('https://erp.example.com/find?q=A%20B%2F1');
  });

  test('no matching rule, or no rules (the default): no link', () => {
    expect(orderLink(config, '202611010012')).toBeNull();
    expect(
      orderLink(
        configWith(() => {}),
        'SO1',
      ),
    ).toBeNull();
  });

  test.each([
    [{ url: 'https://erp.example.com/orders' }, 'must contain {order}'],
    [{ url: 'javascript:alert({order})' }, 'http(s) URL'],
    [{ url: 'https://x.example.com/{order}|click' }, 'http(s) URL'],
    [{ match: '(', url: 'https://x.example.com/{order}' }, 'not a valid regular expression'],
  ])('refuses %j', (rule, message) => {
    let error: unknown;
    try {
      withLinks([rule]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(String((error as AppError).message) + JSON.stringify((error as AppError).details ?? '')).toContain(message);
  });
});
