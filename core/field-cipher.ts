// Encryption at rest for personal data in single columns (a customer's phone number and e-mail).
// AES-256-GCM with a random 96-bit IV per value; the column's name is the additional data, so a value
// copied into another column does not open. A sealed value names its key, so keys can be rotated: the
// first key of TICKETBOT_DATA_KEYS seals, every key listed opens, and values sealed with an older key
// (or stored before keys were configured) are sealed again with the first one at start-up
// (`core/store/seal-contacts.ts`).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from './errors.js';

/** Seals and opens one column's values. */
export interface FieldCipher {
  /** The stored form of a value (the value itself when no key is configured). */
  seal(column: string, value: string): string;
  /** The value of a stored form; throws when it was sealed with a key not configured or was altered. */
  open(column: string, stored: string): string;
  /** Whether a stored form is already sealed with the current key (nothing to do at start-up). */
  current(stored: string): boolean;
  /** The prefix every value sealed with the current key starts with, or null without keys. */
  readonly currentPrefix: string | null;
}

const VERSION = 'enc1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
// Prisma's startsWith (LIKE) finds the values sealed with another key: SQLite's LIKE ignores case, and
// Prisma does not escape `_`, LIKE's one-character wildcard. So: lowercase letters, digits and `-` only.
const KEY_ID = /^[a-z0-9-]{1,16}$/;

/** Whether a stored value is sealed (by any key); anything else is a plaintext value from before keys were configured. */
export function isSealed(stored: string): boolean {
  return stored.startsWith(`${VERSION}:`);
}

/**
 * Parses TICKETBOT_DATA_KEYS: `id:base64key` entries separated by commas, the first sealing new values.
 * Each key is 32 random bytes (`openssl rand -base64 32`). Returns every problem found, or the keys.
 */
export function parseDataKeys(value: string): { keys: { id: string; key: Buffer }[] } | { problems: string[] } {
  const problems: string[] = [];
  const keys: { id: string; key: Buffer }[] = [];
  for (const [i, entry] of value.split(',').entries()) {
    const at = entry.indexOf(':');
    const id = entry.slice(0, at).trim();
    const encoded = entry.slice(at + 1).trim();
    if (at < 0 || !KEY_ID.test(id)) {
      problems.push(`key ${i + 1}: write it as id:base64key, the id 1-16 lowercase letters, digits or -`);
      continue;
    }
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== 32 || key.toString('base64').replace(/=+$/, '') !== encoded.replace(/=+$/, '')) {
      problems.push(`key "${id}": not 32 bytes in base64 (make one with: openssl rand -base64 32)`);
      continue;
    }
    if (keys.some((k) => k.id === id)) problems.push(`key "${id}" is listed twice`);
    else keys.push({ id, key });
  }
  return problems.length ? { problems } : { keys };
}

/** The cipher for TICKETBOT_DATA_KEYS (validated with the environment): AES-256-GCM, or none without keys. */
export function fieldCipherFor(dataKeys: string | undefined): FieldCipher {
  if (!dataKeys) return PLAIN_FIELDS;
  const parsed = parseDataKeys(dataKeys);
  if ('problems' in parsed) throw new AppError('CONFIG_INVALID', { message: `Invalid TICKETBOT_DATA_KEYS: ${parsed.problems.join('; ')}` });
  return aesGcmFields(parsed.keys);
}

/** Values stored as given: no keys configured (the embedded default). */
export const PLAIN_FIELDS: FieldCipher = {
  seal: (_column, value) => value,
  open: (_column, stored) => {
    if (isSealed(stored)) throw new AppError('CONFIG_INVALID', { message: 'a sealed value was read, but TICKETBOT_DATA_KEYS is not set' });
    return stored;
  },
  current: (stored) => !isSealed(stored),
  currentPrefix: null,
};

/** AES-256-GCM with the keys given, the first sealing. */
export function aesGcmFields(keys: { id: string; key: Buffer }[]): FieldCipher {
  const [first] = keys;
  if (!first) throw new Error('aesGcmFields needs at least one key');
  const byId = new Map(keys.map((k) => [k.id, k.key]));
  const currentPrefix = `${VERSION}:${first.id}:`;
  return {
    currentPrefix,
    seal(column, value) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', first.key, iv);
      cipher.setAAD(Buffer.from(column));
      const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
      return currentPrefix + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    },
    open(column, stored) {
      if (!isSealed(stored)) return stored;
      const [, id = '', data = ''] = stored.split(':');
      const key = byId.get(id);
      if (!key) throw new AppError('CONFIG_INVALID', { message: `a value of ${column} is sealed with key "${id}", which TICKETBOT_DATA_KEYS does not list` });
      const raw = Buffer.from(data, 'base64url');
      if (raw.length < IV_BYTES + TAG_BYTES) throw new AppError('INTERNAL', { message: `a sealed value of ${column} is truncated` });
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(column));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      try {
        return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch (cause) {
        throw new AppError('INTERNAL', { message: `a sealed value of ${column} does not open: altered, or sealed for another column`, cause });
      }
    },
    current: (stored) => stored.startsWith(currentPrefix),
  };
}
