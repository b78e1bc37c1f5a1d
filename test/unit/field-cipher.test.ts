import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { parseEnv } from '../../core/config.js';
import { AppError } from '../../core/errors.js';
import { aesGcmFields, fieldCipherFor, isSealed, PLAIN_FIELDS, parseDataKeys } from '../../core/field-cipher.js';

const k1 = randomBytes(32);
const k2 = randomBytes(32);
const keysOf = (entries: [string, Buffer][]) => entries.map(([id, key]) => `${id}:${key.toString('base64')}`).join(',');

describe('sealing a column value', () => {
  const cipher = aesGcmFields([{ id: 'k1', key: k1 }]);

  test('opens to the value sealed, and the stored form shows nothing of it', () => {
    for (const value of ['13812345678', 'wang.fang@example.com', '王芳 +86 138-1234-5678', '']) {
      const stored = cipher.seal('Customer.phone', value);
      expect(stored.startsWith('enc1:k1:')).toBe(true);
      expect(isSealed(stored)).toBe(true);
      if (value) expect(stored).not.toContain(value);
      expect(cipher.open('Customer.phone', stored)).toBe(value);
    }
  });

  test('the same value seals differently each time (random IV)', () => {
    expect(cipher.seal('Customer.phone', '13812345678')).not.toBe(cipher.seal('Customer.phone', '13812345678'));
  });

  test('a value sealed for one column does not open as another', () => {
    const stored = cipher.seal('Customer.phone', '13812345678');
    expect(() => cipher.open('Customer.email', stored)).toThrow(/does not open/);
  });

  test('an altered or truncated value does not open', () => {
    const stored = cipher.seal('Customer.email', 'wang.fang@example.com');
    const body = stored.slice('enc1:k1:'.length);
    const flipped = `enc1:k1:${body.slice(0, 20)}${body[20] === 'A' ? 'B' : 'A'}${body.slice(21)}`;
    expect(() => cipher.open('Customer.email', flipped)).toThrow(/does not open/);
    expect(() => cipher.open('Customer.email', 'enc1:k1:AAAA')).toThrow(/truncated/);
  });

  test('a value sealed with a key not configured names the key', () => {
    const other = aesGcmFields([{ id: 'k9', key: k2 }]);
    const error = (() => {
      try {
        cipher.open('Customer.phone', other.seal('Customer.phone', '1'));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('CONFIG_INVALID');
    expect((error as AppError).message).toMatch(/key "k9"/);
  });

  test('plain text from before keys were configured opens as itself', () => {
    expect(cipher.open('Customer.phone', '13812345678')).toBe('13812345678');
    expect(cipher.current('13812345678')).toBe(false);
  });
});

describe('rotating keys', () => {
  test('the first key seals, every key opens, and only the first key is current', () => {
    const before = aesGcmFields([{ id: 'k1', key: k1 }]);
    const after = aesGcmFields([
      { id: 'k2', key: k2 },
      { id: 'k1', key: k1 },
    ]);
    const old = before.seal('Customer.phone', '13812345678');
    expect(after.open('Customer.phone', old)).toBe('13812345678');
    expect(after.current(old)).toBe(false);
    const fresh = after.seal('Customer.phone', '13812345678');
    expect(fresh.startsWith('enc1:k2:')).toBe(true);
    expect(after.current(fresh)).toBe(true);
    expect(after.currentPrefix).toBe('enc1:k2:');
  });
});

describe('without keys', () => {
  test('values are stored as given, and a sealed value read without keys is an error, not garbage', () => {
    expect(PLAIN_FIELDS.seal('Customer.phone', '13812345678')).toBe('13812345678');
    expect(PLAIN_FIELDS.open('Customer.phone', '13812345678')).toBe('13812345678');
    const sealed = aesGcmFields([{ id: 'k1', key: k1 }]).seal('Customer.phone', '1');
    expect(() => PLAIN_FIELDS.open('Customer.phone', sealed)).toThrow(/TICKETBOT_DATA_KEYS is not set/);
    expect(fieldCipherFor(undefined)).toBe(PLAIN_FIELDS);
  });
});

describe('TICKETBOT_DATA_KEYS', () => {
  test('parses id:base64 entries in order', () => {
    const parsed = parseDataKeys(
      keysOf([
        ['k2', k2],
        ['k1', k1],
      ]),
    );
    expect('keys' in parsed && parsed.keys.map((k) => k.id)).toEqual(['k2', 'k1']);
    expect('keys' in parsed && parsed.keys[0]?.key.equals(k2)).toBe(true);
  });

  test('lists every problem', () => {
    const parsed = parseDataKeys(
      [
        `K1:${k1.toString('base64')}`,
        // `_` is LIKE's wildcard, which Prisma's startsWith leaves unescaped.
        `k_1:${k1.toString('base64')}`,
        'nokey',
        `short:${randomBytes(16).toString('base64')}`,
        'bad:%%%not-base64%%%',
        `ok:${k1.toString('base64')}`,
        `ok:${k2.toString('base64')}`,
      ].join(','),
    );
    expect('problems' in parsed && parsed.problems).toEqual([
      expect.stringMatching(/key 1: write it as id:base64key/),
      expect.stringMatching(/key 2: write it as id:base64key/),
      expect.stringMatching(/key 3: write it as id:base64key/),
      expect.stringMatching(/key "short": not 32 bytes/),
      expect.stringMatching(/key "bad": not 32 bytes/),
      expect.stringMatching(/key "ok" is listed twice/),
    ]);
  });

  test('the environment is refused with the problem named, and accepted when valid', () => {
    expect(() => parseEnv({ TICKETBOT_DATA_KEYS: 'k1:tooshort' })).toThrow(/not 32 bytes[\s\S]*TICKETBOT_DATA_KEYS/);
    expect(parseEnv({ TICKETBOT_DATA_KEYS: keysOf([['k1', k1]]) }).TICKETBOT_DATA_KEYS).toBe(keysOf([['k1', k1]]));
    expect(fieldCipherFor(keysOf([['k1', k1]])).currentPrefix).toBe('enc1:k1:');
  });
});
