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
export async function sealCustomerContacts(db: Db, cipher: FieldCipher, batchSize = 200): Promise<SealReport> {
  const report: SealReport = { sealed: 0, failed: [] };
  const prefix = cipher.currentPrefix;
  if (!prefix) return report;
  const stale = COLUMNS.map((column) => ({ AND: [{ [column]: { not: null } }, { NOT: { [column]: { startsWith: prefix } } }] }));
  for (let after = 0; ; ) {
    const rows = await db.customer.findMany({
      where: { id: { gt: after }, OR: stale },
      select: { id: true, phone: true, email: true },
      orderBy: { id: 'asc' },
      take: batchSize,
    });
    for (const row of rows) {
      try {
        const data: { phone?: string; email?: string } = {};
        for (const column of COLUMNS) {
          const stored = row[column];
          if (stored === null || cipher.current(stored)) continue;
          data[column] = cipher.seal(`Customer.${column}`, cipher.open(`Customer.${column}`, stored));
        }
        if (!Object.keys(data).length) continue;
        const { count } = await db.customer.updateMany({ where: { id: row.id, phone: row.phone, email: row.email }, data });
        report.sealed += count;
      } catch (error) {
        report.failed.push({ id: row.id, reason: (error as Error).message });
      }
    }
    const last = rows.at(-1);
    if (!last || rows.length < batchSize) return report;
    after = last.id;
  }
}
