import type { Database } from '../../core/store/database.js';

/**
 * An interactive transaction that writes a customer named `name`, then holds its connection until
 * `release()`; it rolls back (throws) when `fail` is set. `inside` resolves once it has written.
 */
export function heldTransaction(database: Pick<Database, 'db'>, name: string, opts: { fail: boolean; maxWait?: number }) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let wrote!: () => void;
  const inside = new Promise<void>((resolve) => {
    wrote = resolve;
  });
  const done = database.db.$transaction(
    async (tx) => {
      await tx.customer.create({ data: { name } });
      wrote();
      await released;
      if (opts.fail) throw new Error('rolled back on purpose');
    },
    opts.maxWait ? { maxWait: opts.maxWait } : undefined,
  );
  return { inside, release, done };
}

/**
 * Starts a query now (a Prisma query runs only once awaited or then'd) and gives it time to reach the
 * database's driver, where it waits for the held transaction. If it had not got there yet, a test would
 * pass for the wrong reason, never fail for it.
 */
export async function started<T>(query: PromiseLike<T>): Promise<{ result: Promise<T> }> {
  const result = Promise.resolve(query);
  // Observed now: a rejection is checked by the caller later.
  result.catch(() => {});
  await new Promise((resolve) => setTimeout(resolve, 50));
  return { result };
}
