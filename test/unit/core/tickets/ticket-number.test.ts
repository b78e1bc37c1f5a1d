import { describe, expect, test } from 'vitest';
import { formatTicketNumber, parseTicketNumber, TICKET_NUMBER_PATTERN } from '../../../../core/tickets/ticket-number.js';

describe('formatTicketNumber', () => {
  test.each([
    [1, 'T-000001'],
    [123, 'T-000123'],
    [999_999, 'T-999999'],
    [1_000_000, 'T-1000000'],
    [1_234_567, 'T-1234567'],
  ])('%i → %s', (id, number) => {
    expect(formatTicketNumber(id)).toBe(number);
  });
});

describe('parseTicketNumber', () => {
  test.each([
    ['T-000123', 123],
    ['T-123', 123],
    ['t-123', 123],
    ['T123', 123],
    ['t0123', 123],
    ['#123', 123],
    ['123', 123],
    ['  T-000007  ', 7],
    ['T-1234567', 1_234_567],
    ['T-2147483647', 2_147_483_647],
  ])('%j → %i', (text, id) => {
    expect(parseTicketNumber(text)).toBe(id);
  });

  test.each([
    '',
    '   ',
    'T-',
    '#',
    'T-0',
    'T-000000',
    '0',
    '-5',
    'T--5',
    'T-5a',
    '12a',
    '1.5',
    'T 12',
    '# 12',
    'X-12',
    'TT-12',
    '#T-12',
    'T-1234567890123',
    '１２３',
    'T-１２３',
  ])('rejects %j', (text) => {
    expect(parseTicketNumber(text)).toBeNull();
  });

  test('ids beyond the 32-bit database range are not ticket numbers (404, not a database error)', () => {
    expect(parseTicketNumber('T-2147483648')).toBeNull();
    expect(parseTicketNumber('T-99999999999')).toBeNull();
  });

  test('round-trips formatted numbers', () => {
    const ids = [1, 2, 9, 10, 99, 100, 12_345, 999_999, 1_000_000, 31_415_926, 2_147_483_647];
    for (const id of ids) {
      const number = formatTicketNumber(id);
      expect(parseTicketNumber(number)).toBe(id);
      expect(parseTicketNumber(number.toLowerCase())).toBe(id);
      expect(formatTicketNumber(parseTicketNumber(number) ?? 0)).toBe(number);
    }
  });
});

describe('TICKET_NUMBER_PATTERN', () => {
  test('finds a ticket number inside text', () => {
    expect(TICKET_NUMBER_PATTERN.exec('关于工单 T-000123 的进度')?.[0]).toBe('T-000123');
    expect(TICKET_NUMBER_PATTERN.exec('see t-42, thanks')?.[0]).toBe('t-42');
    expect(TICKET_NUMBER_PATTERN.test('order 1234567890123456789')).toBe(false);
    expect(TICKET_NUMBER_PATTERN.test('UT-12')).toBe(false);
  });
});
