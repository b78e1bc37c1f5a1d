import { describe, expect, test } from 'vitest';
import { isChineseIdNumber, maskAddress, maskForLlm, maskPhone, maskPii } from '../../../core/pii.js';

/**
 * GB 11643-1999 check character, computed independently of the implementation: position i (1-based from the
 * right, the check character being position 1) has weight 2^(i-1) mod 11; the check value is (12 - sum mod 11)
 * mod 11, written X for 10.
 */
function checkCharacter(first17: string): string {
  expect(first17).toMatch(/^\d{17}$/);
  let sum = 0;
  for (let k = 0; k < 17; k++) {
    const positionFromRight = 18 - k;
    sum += Number(first17[k]) * (2 ** (positionFromRight - 1) % 11);
  }
  const value = (12 - (sum % 11)) % 11;
  return value === 10 ? 'X' : String(value);
}

function validId(first17: string): string {
  return first17 + checkCharacter(first17);
}

/** The same 17 digits with a check character that is not the right one. */
function wrongCheckId(first17: string): string {
  const right = checkCharacter(first17);
  return first17 + (right === '0' ? '1' : '0');
}

/** A valid ID whose check character is X: vary the sequence digits until one comes out as X. */
function validIdEndingInX(): string {
  for (let seq = 0; seq < 1000; seq++) {
    const first17 = `11010519900307${String(seq).padStart(3, '0')}`;
    if (checkCharacter(first17) === 'X') return validId(first17);
  }
  throw new Error('no X check character found');
}

const ID = validId('11010519491231002');
const ID_X = validIdEndingInX();

describe('the test oracle', () => {
  test('reproduces the published sample ID 11010519491231002X', () => {
    expect(checkCharacter('11010519491231002')).toBe('X');
  });
});

describe('isChineseIdNumber', () => {
  test('accepts valid numbers, with X or x as check character', () => {
    expect(isChineseIdNumber(ID)).toBe(true);
    expect(isChineseIdNumber(validId('44030119851111123'))).toBe(true);
    expect(ID_X.endsWith('X')).toBe(true);
    expect(isChineseIdNumber(ID_X)).toBe(true);
    expect(isChineseIdNumber(ID_X.toLowerCase())).toBe(true);
  });

  test('rejects a wrong check character, wrong lengths and stray characters', () => {
    expect(isChineseIdNumber(wrongCheckId('11010519491231002'))).toBe(false);
    expect(isChineseIdNumber(wrongCheckId('44030119851111123'))).toBe(false);
    expect(isChineseIdNumber(ID.slice(0, 17))).toBe(false);
    expect(isChineseIdNumber(`${ID}0`)).toBe(false);
    expect(isChineseIdNumber(`X${ID.slice(1)}`)).toBe(false);
    expect(isChineseIdNumber(` ${ID}`)).toBe(false);
    expect(isChineseIdNumber('')).toBe(false);
  });

  test('agrees with the oracle on many generated numbers', () => {
    // A small deterministic generator (LCG), so every digit position varies.
    let seed = 20_250_601;
    const digit = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return String(Math.floor((seed / 2 ** 31) * 10));
    };
    for (let i = 0; i < 300; i++) {
      const first17 = Array.from({ length: 17 }, digit).join('');
      expect(isChineseIdNumber(validId(first17))).toBe(true);
      expect(isChineseIdNumber(wrongCheckId(first17))).toBe(false);
    }
  });
});

describe('maskPhone', () => {
  test.each([
    ['13812345678', '138****5678'],
    ['138-1234-5678', '138****5678'],
    ['138 1234 5678', '138****5678'],
    ['19987654321', '199****4321'],
  ])('%s → %s', (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked);
  });

  test('hides short numbers entirely', () => {
    expect(maskPhone('12345')).toBe('****');
    expect(maskPhone('')).toBe('****');
  });

  // Regression: the +86 country code used to be counted as part of the number ("861****5678").
  test('+86 138 1234 5678 keeps the first three digits of the mobile number', () => {
    expect(maskPhone('+86 138 1234 5678')).toBe('138****5678');
  });
});

describe('maskPii', () => {
  test.each([
    ['13812345678', '138****5678'],
    ['电话13812345678谢谢', '电话138****5678谢谢'],
    ['call 138-1234-5678 please', 'call 138****5678 please'],
    ['call 138 1234 5678 please', 'call 138****5678 please'],
    ['call +86 138 1234 5678 please', 'call 138****5678 please'],
    ['+8613812345678', '138****5678'],
    ['86-138-1234-5678', '138****5678'],
  ])('mobile %j → %j', (text, masked) => {
    expect(maskPii(text)).toBe(masked);
  });

  test('masks every mobile number in the text', () => {
    expect(maskPii('13812345678 或 15900001111')).toBe('138****5678 或 159****1111');
  });

  test.each([
    ['lin.wang@example.com', 'l***@example.com'],
    ['邮箱lin.wang@example.com谢谢', '邮箱l***@example.com谢谢'],
    ['write to a@b.cn or Zhou_Hang+shop@mail.example.co.uk', 'write to a***@b.cn or Z***@mail.example.co.uk'],
  ])('e-mail %j → %j', (text, masked) => {
    expect(maskPii(text)).toBe(masked);
  });

  test('masks a valid Chinese ID number, keeping the first six and last four characters', () => {
    const masked = `${ID.slice(0, 6)}********${ID.slice(-4)}`;
    expect(maskPii(ID)).toBe(masked);
    expect(maskPii(`身份证号${ID}，请核实`)).toBe(`身份证号${masked}，请核实`);
    expect(maskPii(`id ${ID_X} ok`)).toBe(`id ${ID_X.slice(0, 6)}********${ID_X.slice(-4)} ok`);
    expect(maskPii(ID)).not.toContain(ID.slice(6, 14));
  });

  test('leaves Taobao order numbers alone', () => {
    const badCheck = wrongCheckId('38201947561029384');
    const startsLikeMobile = wrongCheckId('13812345678901234');
    const endsLikeMobile = wrongCheckId('20250601391234567');
    for (const order of ['1234567890123456789', '3820194756102938475', '1234567813812345678', badCheck, startsLikeMobile, endsLikeMobile]) {
      expect(maskPii(order)).toBe(order);
      expect(maskPii(`订单号${order}还没发货`)).toBe(`订单号${order}还没发货`);
      expect(maskPii(`order ${order}, please check`)).toBe(`order ${order}, please check`);
    }
  });

  test('masks PII next to an order number without touching the order number', () => {
    expect(maskPii('订单1234567890123456789，电话13812345678')).toBe('订单1234567890123456789，电话138****5678');
  });

  test.each([
    '',
    '我昨天拍的怎么还没发货啊？',
    'Ticket T-000123 is resolved.',
    '退款金额不对啊，少退了20块',
    '1381234567', // ten digits: not a mobile
    '138123456789', // twelve digits: not a mobile
    '12812345678', // 12x is not a mobile prefix
    'price 199.00 on 2025-06-01',
    'not an email: lin@localhost',
  ])('leaves %j unchanged', (text) => {
    expect(maskPii(text)).toBe(text);
  });
});

describe('maskAddress', () => {
  test.each([
    ['苏州工业园区星湖街328号', '[地址]'],
    ['地址是江苏省苏州市工业园区星湖街328号2栋1单元301室，谢谢', '地址是[地址]，谢谢'],
    ['寄到北京市朝阳区建国路88号SOHO现代城5号楼1单元302，谢谢', '寄到[地址]，谢谢'],
    ['上海市浦东新区张江路123弄4号501室', '[地址]'],
    ['广东省深圳市南山区粤海街道高新南七道18号', '[地址]'],
    ['杭州市西湖区文三路 90号', '[地址]'],
    ['北京市海淀区中关村大街1号', '[地址]'],
    ['我住在阳光花园3栋2单元501，快递放门口', '我住在[地址]，快递放门口'],
  ])('Chinese %j → %j', (text, masked) => {
    expect(maskAddress(text)).toBe(masked);
  });

  test.each([
    ['My address is 221B Baker Street, London', 'My address is [address], London'],
    ['send it to 350 Fifth Ave, Apt 5B please', 'send it to [address] please'],
    ['deliver to 42 main street apt 3', 'deliver to [address]'],
    ['10 Downing St.', '[address]'],
  ])('English %j → %j', (text, masked) => {
    expect(maskAddress(text)).toBe(masked);
  });

  test('keeps an order number that follows the address', () => {
    expect(maskAddress('星湖街328号 1234567890123456789 的快递还没到')).toBe('[地址] 1234567890123456789 的快递还没到');
  });

  test.each([
    '我知道3号发货，订单号1234567890123456789',
    '12月3号之前能到吗',
    '退款金额不对啊，少退了20块',
    'I returned 3 items the same way',
    'I ordered 2 of the square ones',
    'order 1234567890123456789 please',
    'Ticket T-000123 is resolved.',
  ])('leaves %j unchanged', (text) => {
    expect(maskAddress(text)).toBe(text);
  });

  test('stays fast on a long run of Han text without an address', () => {
    const text = '星湖'.repeat(20_000);
    const started = performance.now();
    expect(maskAddress(text)).toBe(text);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('long text without personal data', () => {
  // 100,000 characters: a pattern tried from every position of a run is quadratic (seconds here); one
  // pass over the run is milliseconds. The bound only separates the two.
  test.each([
    ['letters', 'a'.repeat(100_000)],
    ['dotted letters', 'a.'.repeat(50_000)],
    ['digits', '1'.repeat(100_000)],
    ['an @ then a domain with no top-level part', `a@${'b-'.repeat(50_000)}`],
    ['Han characters', '星湖'.repeat(50_000)],
  ])('is masked in one pass over %s', (_name, text) => {
    const started = performance.now();
    expect(maskForLlm(text)).toBe(text);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  test('an e-mail address at the end of a long run is still found, whatever the length of its local part', () => {
    expect(maskPii(`${'x'.repeat(1000)} wang.fang@example.com`)).toBe(`${'x'.repeat(1000)} w***@example.com`);
    expect(maskPii(`${'x'.repeat(64)}@example.com`)).toBe('x***@example.com');
    // Longer than RFC 5321 allows, but still somebody's address.
    expect(maskPii(`mail me: ${'y'.repeat(65)}@example.com`)).toBe('mail me: y***@example.com');
    expect(maskPii(`${'z.'.repeat(5000)}z@example.com`)).toBe('z***@example.com');
  });
});

describe('maskForLlm', () => {
  test('masks phone, e-mail, ID number and address together', () => {
    const text = `电话13812345678，邮箱lin.wang@example.com，身份证${ID}，地址江苏省苏州市工业园区星湖街328号`;
    const masked = maskForLlm(text);
    expect(masked).toBe(`电话138****5678，邮箱l***@example.com，身份证${ID.slice(0, 6)}********${ID.slice(-4)}，地址[地址]`);
  });
});
