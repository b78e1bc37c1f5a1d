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

/** Every province code of GB/T 2260, with 81/82/83 for the residence permits of Hong Kong, Macau and Taiwan residents. */
const PROVINCES = ['11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41', '42', '43', '44', '45', '46'];
PROVINCES.push('50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82', '83');

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
    // The foreigner's permanent residence ID card (2023): 9, the issuing province, then as a resident ID.
    expect(isChineseIdNumber('91184019900101123X')).toBe(true);
    expect(isChineseIdNumber('991840199001011234')).toBe(false); // valid check character, no province 91
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
    // A small deterministic generator (LCG), so every digit position varies within what an ID number allows.
    let seed = 20_250_601;
    const below = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return Math.floor((seed / 2 ** 31) * n);
    };
    const digits = (count: number) => Array.from({ length: count }, () => below(10)).join('');
    const two = (n: number) => String(n).padStart(2, '0');
    for (let i = 0; i < 300; i++) {
      const province = PROVINCES[below(PROVINCES.length)] ?? '11';
      const birth = `${1900 + below(125)}${two(1 + below(12))}${two(1 + below(28))}`;
      const first17 = `${province}${digits(4)}${birth}${digits(3)}`;
      expect(isChineseIdNumber(validId(first17)), first17).toBe(true);
      expect(isChineseIdNumber(wrongCheckId(first17)), first17).toBe(false);
    }
  });

  test('takes every province code and the residence permits of Hong Kong, Macau and Taiwan residents (81, 82, 83)', () => {
    for (const province of PROVINCES) expect(isChineseIdNumber(validId(`${province}010519900307123`)), province).toBe(true);
  });

  // Regression: about 1 in 11 order numbers of 18 digits passed the checksum and was masked as an ID number.
  test.each([
    [
      'a province code that does not exist',
      ['00', '10', '16', '20', '30', '38', '47', '55', '60', '66', '70', '72', '80', '84', '90', '99'].map((p) => `${p}010519900307123`),
    ],
    ['month 00 or 13', ['11010519900007123', '11010519901307123']],
    ['day 00 or 32', ['11010519900300123', '11010519900332123']],
    ['a day its month does not have', ['11010519900230123', '11010519900431123', '11010519000229123']],
    ['a birth year before 1900', ['11010518991231123']],
  ])('refuses numbers with a valid check character but %s', (_name, stems) => {
    for (const first17 of stems) expect(isChineseIdNumber(validId(first17)), first17).toBe(false);
  });

  test('takes 29 February in a leap year, and a birth date up to today but not after', () => {
    expect(isChineseIdNumber(validId('31010420000229001'))).toBe(true);
    const today = new Date(2026, 5, 1, 15, 30);
    expect(isChineseIdNumber(validId('44030120260601123'), today)).toBe(true);
    expect(isChineseIdNumber(validId('44030120260602123'), today)).toBe(false);
    expect(isChineseIdNumber(validId('44030120270101123'), today)).toBe(false);
  });

  test('takes fewer than 1 in 1,000 random 18-digit numbers whose check character is valid', () => {
    let seed = 7;
    const digit = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return String(Math.floor((seed / 2 ** 31) * 10));
    };
    let taken = 0;
    for (let i = 0; i < 10_000; i++) if (isChineseIdNumber(validId(Array.from({ length: 17 }, digit).join('')))) taken++;
    expect(taken).toBeLessThan(10);
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

  // Regression: "订单号123456789012345677还没发货" became "订单号123456********5677还没发货".
  test('leaves 18-digit order numbers whose check character happens to be valid alone', () => {
    expect(validId('12345678901234567')).toBe('123456789012345677');
    // A province code but no birth date in digits 7–14, a date but no province, a date in the future.
    const orders = [
      '123456789012345677',
      validId('20250601123456789'),
      validId('31256719874561234'),
      validId('44030120991231123'),
      validId('38201947561029384'),
    ];
    for (const order of orders) {
      expect(maskPii(`订单号${order}还没发货`)).toBe(`订单号${order}还没发货`);
      expect(maskForLlm(`order ${order}, please check`)).toBe(`order ${order}, please check`);
    }
  });

  test.each([
    ['Beijing', validId('11010519491231002')],
    ['Shenzhen', validId('44030119851111123')],
    ['Shanghai, born on 29 February', validId('31010420000229001')],
    ['Xinjiang', validId('65010219781231456')],
    ['a Hong Kong resident’s permit', validId('81000019900101001')],
    ['a Taiwan resident’s permit', validId('83000020010915002')],
  ])('masks a real-looking ID number: %s', (_name, id) => {
    expect(maskPii(`身份证${id}谢谢`)).toBe(`身份证${id.slice(0, 6)}********${id.slice(-4)}谢谢`);
  });

  test('masks phone numbers, e-mail addresses and ID numbers typed in full-width characters, keeping their width', () => {
    expect(maskPii('电话１３８１２３４５６７８')).toBe('电话１３８****５６７８');
    expect(maskPii('电话：＋８６ １３８－１２３４－５６７８。')).toBe('电话：１３８****５６７８。');
    const fullWidth = ID.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
    expect(maskPii(`身份证${fullWidth}`)).toBe(`身份证${fullWidth.slice(0, 6)}********${fullWidth.slice(-4)}`);
    expect(maskPii('邮箱ｗａｎｇ．ｆａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ')).toBe('邮箱ｗ***@ｅｘａｍｐｌｅ．ｃｏｍ');
    // A full-width run that is not a mobile number stays.
    expect(maskPii('编号１２８１２３４５６７８')).toBe('编号１２８１２３４５６７８');
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
    // Regression: a sub-number, a lettered building and full-width digits were not masked.
    ['北京市朝阳区建国路88-1号', '[地址]'],
    ['寄到阳光花园B栋1203室，谢谢', '寄到[地址]，谢谢'],
    ['地址：星海城12A座3单元', '地址：[地址]'],
    ['北京市朝阳区建国路８８号', '[地址]'],
    ['天津市和平区南京道5号', '[地址]'],
    ['苏州市姑苏区马医科弄12号', '[地址]'],
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
    // Regression: 道, 弄 and 街 as ordinary words before a day of the month were taken for a street.
    '我1号下的单，物流渠道5号才更新',
    '能不能弄3号发货',
    '周末逛街5号那天',
    'The parcel has been 5 days on the road',
    'It was 3 hours on the Road to the depot',
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
