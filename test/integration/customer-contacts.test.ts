import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createApp } from '../../bot/app.js';
import { aesGcmFields, PLAIN_FIELDS } from '../../core/field-cipher.js';
import { type Database, openDatabase } from '../../core/store/database.js';
import { migrate } from '../../core/store/migrate.js';
import { sealCustomerContacts } from '../../core/store/seal-contacts.js';
import { PROVIDERS, type TestDatabase } from '../helpers/databases.js';
import { intakeBody, postMessage, startWebApp } from '../helpers/web.js';

/*
 * Customers' phone numbers and e-mail addresses at rest (TICKETBOT_DATA_KEYS), on real databases:
 * sealed at intake, sealed at start-up when stored before keys were configured, sealed again when a
 * key is rotated out, and never lost when a key is missing.
 */

const PHONE = '13812345678';
const EMAIL = 'wang.fang@example.com';
const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };
const envKeys = (...keys: { id: string; key: Buffer }[]) => keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join(',');

describe.each(PROVIDERS)('customer contacts at rest ($name)', (provider) => {
  let db: TestDatabase;
  let database: Database | undefined;

  beforeEach(async () => {
    db = await provider.fresh();
  });
  afterEach(async () => {
    await database?.close();
    database = undefined;
    await db.drop();
  });

  async function open(): Promise<Database> {
    await migrate(db);
    database = await openDatabase(db);
    return database;
  }

  test('intake with keys stores the contacts sealed; the rows open to what the customer gave', async () => {
    const web = await startWebApp({ ...db, drop: async () => {} }, { env: { TICKETBOT_DATA_KEYS: envKeys(k1) } });
    try {
      const res = await postMessage(
        web.base,
        intakeBody({ messageId: 'm-1', text: '外套袖子破了，想退货', customer: { id: 'cust-1', name: '王芳', phone: PHONE, email: EMAIL }, channel: 'web' }),
      );
      expect(res.status).toBe(201);
      const [row] = await web.app.database.db.customer.findMany();
      expect(row?.name).toBe('王芳');
      expect(row?.phone?.startsWith('enc1:k1:')).toBe(true);
      expect(row?.email?.startsWith('enc1:k1:')).toBe(true);
      expect(JSON.stringify(row)).not.toContain(PHONE);
      expect(JSON.stringify(row)).not.toContain('wang.fang');
      const cipher = aesGcmFields([k1]);
      expect(cipher.open('Customer.phone', row?.phone ?? '')).toBe(PHONE);
      expect(cipher.open('Customer.email', row?.email ?? '')).toBe(EMAIL);
    } finally {
      await web.close();
    }
  });

  test('plain-text contacts and contacts sealed with an older key are sealed with the current key, a batch at a time', async () => {
    const { db: prisma } = await open();
    const old = aesGcmFields([k1]);
    await prisma.customer.create({ data: { phone: PHONE, email: EMAIL } });
    await prisma.customer.create({ data: { phone: old.seal('Customer.phone', '13900000001') } });
    await prisma.customer.create({ data: { email: old.seal('Customer.email', 'li@example.com') } });
    await prisma.customer.create({ data: { name: 'no contact' } });
    await prisma.customer.create({ data: { phone: '13900000002', email: old.seal('Customer.email', 'zhao@example.com') } });
    const cipher = aesGcmFields([k2, k1]);
    const already = await prisma.customer.create({ data: { phone: cipher.seal('Customer.phone', '13900000003') } });

    const report = await sealCustomerContacts(prisma, cipher, { batchSize: 2 });
    expect(report).toEqual({ sealed: 4, failed: [] });
    const rows = await prisma.customer.findMany({ orderBy: { id: 'asc' } });
    for (const row of rows) {
      for (const value of [row.phone, row.email]) if (value !== null) expect(value.startsWith('enc1:k2:')).toBe(true);
    }
    expect(rows.map((r) => [r.phone && cipher.open('Customer.phone', r.phone), r.email && cipher.open('Customer.email', r.email)])).toEqual([
      [PHONE, EMAIL],
      ['13900000001', null],
      [null, 'li@example.com'],
      [null, null],
      ['13900000002', 'zhao@example.com'],
      ['13900000003', null],
    ]);
    // Untouched: it was current already.
    expect(rows.at(-1)?.phone).toBe(already.phone);
    // A second pass finds nothing to do.
    expect(await sealCustomerContacts(prisma, cipher, { batchSize: 2 })).toEqual({ sealed: 0, failed: [] });
  });

  test('a contact sealed with a key no longer listed is reported and left as it was; the others are sealed', async () => {
    const { db: prisma } = await open();
    const lost = aesGcmFields([{ id: 'k0', key: randomBytes(32) }]).seal('Customer.phone', '13900000009');
    const orphan = await prisma.customer.create({ data: { phone: lost } });
    await prisma.customer.create({ data: { phone: PHONE } });

    const report = await sealCustomerContacts(prisma, aesGcmFields([k1]));
    expect(report.sealed).toBe(1);
    expect(report.failed).toEqual([{ id: orphan.id, reason: expect.stringMatching(/key "k0"/) }]);
    expect((await prisma.customer.findUniqueOrThrow({ where: { id: orphan.id } })).phone).toBe(lost);
  });

  test('a walk told to stop finishes its batch and stops; the next walk seals the rest', async () => {
    const { db: prisma } = await open();
    for (let i = 0; i < 5; i++) await prisma.customer.create({ data: { phone: `1390000000${i}` } });
    const cipher = aesGcmFields([k1]);
    let batches = 0;
    const first = await sealCustomerContacts(prisma, cipher, { batchSize: 2, stopped: () => batches++ >= 1 });
    expect(first).toEqual({ sealed: 2, failed: [] });
    expect(await sealCustomerContacts(prisma, cipher, { batchSize: 2 })).toEqual({ sealed: 3, failed: [] });
  });

  test('without keys nothing is read or changed', async () => {
    const { db: prisma } = await open();
    await prisma.customer.create({ data: { phone: PHONE } });
    expect(await sealCustomerContacts(prisma, PLAIN_FIELDS)).toEqual({ sealed: 0, failed: [] });
    expect((await prisma.customer.findFirstOrThrow()).phone).toBe(PHONE);
  });

  test('the bot seals contacts stored before keys were configured when it starts its workers', async () => {
    const { db: prisma } = await open();
    await prisma.customer.create({ data: { phone: PHONE, email: EMAIL } });
    await database?.close();
    database = undefined;
    const dataDir = mkdtempSync(join(tmpdir(), 'ticketbot-contacts-'));
    try {
      const app = await createApp({
        startWorkers: true,
        env: { DATABASE_URL: db.url, TICKETBOT_DATA_DIR: dataDir, LOG_LEVEL: 'silent', TICKETBOT_DATA_KEYS: envKeys(k1) },
      });
      // Closing waits for the sealing started with the workers.
      await app.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
    const { db: after } = await open();
    const row = await after.customer.findFirstOrThrow();
    expect(row.phone?.startsWith('enc1:k1:')).toBe(true);
    expect(aesGcmFields([k1]).open('Customer.email', row.email ?? '')).toBe(EMAIL);
  });
});
