import type { FieldCipher } from '../field-cipher.js';
import type { Db } from './database.js';

const COLUMNS = ['phone', 'email'] as const;

export interface SealReport {
  /** Customers whose phone or e-mail was sealed (again) with the current key. */
  sealed: number;
  /** Customers left as they were: a value sealed with a key no longer configured, or altered. */
  failed: { id: number; reason: string }[];
}

/**
 * Seals customers' phone numbers and e-mail addresses stored in plain text (before keys were
 * configured) or with an older key, with the cipher's current key. Walks the table once in id order,
 * a batch at a time; each row is updated only if it still holds what was read, so intake and another
 * process doing the same are safe. Without keys it does nothing.
 */
export async function sealCustomerContacts(db: Db, cipher: FieldCipher, opts: { batchSize?: number; stopped?: () => boolean } = {}): Promise<SealReport> {
  const report: SealReport = { sealed: 0, failed: [] };
  const prefix = cipher.currentPrefix;
  if (!prefix) return report;
  const batchSize = opts.batchSize ?? 200;
  const stale = COLUMNS.map((column) => ({ AND: [{ [column]: { not: null } }, { NOT: { [column]: { startsWith: prefix } } }] }));
  for (let after = 0; !opts.stopped?.(); ) {
    const rows = await db.customer.findMany({
      where: { id: { gt: after }, OR: stale },
      select: { id: true, phone: true, email: true },
      orderBy: { id: 'asc' },
      take: batchSize,
    });
    for (const row of rows) {
      try {
        if (await sealRow(db, cipher, row)) report.sealed++;
      } catch (error) {
        report.failed.push({ id: row.id, reason: (error as Error).message });
      }
    }
    const last = rows.at(-1);
    if (!last || rows.length < batchSize) return report;
    after = last.id;
  }
  return report;
}

type ContactRow = { id: number; phone: string | null; email: string | null };

/**
 * Seals one customer's contacts; true if it wrote. Written only if the row still holds what was read;
 * if intake changed it meanwhile, read again and retry (a row left behind would be lost with its key).
 */
async function sealRow(db: Db, cipher: FieldCipher, first: ContactRow): Promise<boolean> {
  let row: ContactRow | null = first;
  for (let attempt = 0; row && attempt < 5; attempt++) {
    const data: { phone?: string; email?: string } = {};
    for (const column of COLUMNS) {
      const stored = row[column];
      if (stored === null || cipher.current(stored)) continue;
      data[column] = cipher.seal(`Customer.${column}`, cipher.open(`Customer.${column}`, stored));
    }
    if (!Object.keys(data).length) return false;
    const { count } = await db.customer.updateMany({ where: { id: row.id, phone: row.phone, email: row.email }, data });
    if (count) return true;
    row = await db.customer.findUnique({ where: { id: row.id }, select: { id: true, phone: true, email: true } });
  }
  if (row) throw new Error('changed on every attempt to seal it');
  return false;
}
