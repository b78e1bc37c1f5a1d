// Whether an error is one that may go away by itself (the database restarting or failing over, a
// network blip, a lock held a moment too long), so that the work is worth retrying later, as opposed to
// one that will fail the same way every time (bad input, a bug).

/** Prisma's codes for an unreachable database, a lost connection, pool or transaction timeouts, too many connections, a write conflict. */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028', 'P2034', 'P2037']);
/** PostgreSQL SQLSTATEs: connection exceptions (08…), shutdown or startup (57P01–57P03), serialization, deadlock, too many connections. */
const PG_CODES = /^(08\d\d\d|57P0[123]|40001|40P01|53300)$/;
/** Node's socket errors. */
const NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** SQLite's locks, with their extended codes (better-sqlite3 raises SQLITE_BUSY_SNAPSHOT, SQLITE_LOCKED_SHAREDCACHE…). */
const SQLITE_CODES = /^SQLITE_(BUSY|LOCKED)(_[A-Z]+)?$/;
/** How Prisma's driver adapters classify those (in a DriverAdapterError's cause; SQLite's busy is a SocketTimeout). */
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'TransactionWriteConflict']);
/**
 * node-postgres's own failures, which carry no code. Only read on errors without one: a coded error's
 * message may quote the data (a customer could write "database is locked").
 */
const MESSAGES = /^(?:connection terminated|timeout exceeded when trying to connect|client has encountered a connection error)/i;

/** True for an error (or one it was caused by, up to a few levels) that is worth retrying later. */
export function isTransient(error: unknown, depth = 0): boolean {
  if (depth > 5 || typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; originalCode?: unknown; kind?: unknown; message?: unknown; cause?: unknown; meta?: unknown };
  for (const code of [e.code, e.originalCode]) {
    if (typeof code !== 'string') continue;
    if (PRISMA_CODES.has(code) || NODE_CODES.has(code) || PG_CODES.test(code) || SQLITE_CODES.test(code)) return true;
  }
  if (typeof e.kind === 'string' && ADAPTER_KINDS.has(e.kind)) return true;
  if (typeof e.code !== 'string' && typeof e.message === 'string' && MESSAGES.test(e.message)) return true;
  // Prisma keeps the driver's error in the known request error's meta, not as its cause.
  const adapterError = typeof e.meta === 'object' && e.meta !== null ? (e.meta as { driverAdapterError?: unknown }).driverAdapterError : undefined;
  return isTransient(e.cause, depth + 1) || isTransient(adapterError, depth + 1);
}
