// Which failures are worth retrying later: the database or network going away for a while, not bad
// input or bugs.
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { AppError } from '../../../core/errors.js';
import { PrismaClientKnownRequestError } from '../../../core/store/generated/postgres/internal/prismaNamespace.js';
import { isTransient } from '../../../core/transient.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
/** A known request error as Prisma's runtime makes it from a driver adapter's error (`meta.driverAdapterError`). */
const prismaError = (code: string, cause: Record<string, unknown>) =>
  new PrismaClientKnownRequestError(`Database error (${code})`, {
    code,
    clientVersion: 'test',
    meta: { driverAdapterError: Object.assign(new Error('DriverAdapterError'), { name: 'DriverAdapterError', cause }) },
  });

describe('isTransient', () => {
  test.each([
    ['Prisma: database unreachable', withCode("Can't reach database server", 'P1001')],
    ['Prisma: connection pool timeout', withCode('Timed out fetching a new connection from the pool', 'P2024')],
    ['Prisma: write conflict or deadlock', withCode('Transaction failed due to a write conflict', 'P2034')],
    ['PostgreSQL: administrator shutdown', withCode('terminating connection due to administrator command', '57P01')],
    ['PostgreSQL: the server is starting up', withCode('the database system is starting up', '57P03')],
    ['PostgreSQL: connection failure', withCode('connection failure', '08006')],
    ['PostgreSQL: serialization failure', withCode('could not serialize access', '40001')],
    ['PostgreSQL: too many connections', withCode('sorry, too many clients already', '53300')],
    ['a socket refused', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['a socket reset', withCode('read ECONNRESET', 'ECONNRESET')],
    ['SQLite busy', withCode('database is locked', 'SQLITE_BUSY')],
    ['SQLite busy, an extended code (better-sqlite3 raises these)', withCode('database is locked', 'SQLITE_BUSY_SNAPSHOT')],
    ['SQLite locked, an extended code', withCode('database table is locked', 'SQLITE_LOCKED_SHAREDCACHE')],
    ['node-postgres: connection terminated', new Error('Connection terminated unexpectedly')],
    ['node-postgres: pool checkout timeout', new Error('timeout exceeded when trying to connect')],
    ['a wrapped cause', new Error('Invalid `prisma.ticket.findFirst()` invocation', { cause: withCode('connect ECONNREFUSED', 'ECONNREFUSED') })],
    ['node-postgres: connection timeout', new Error('Connection terminated due to connection timeout')],
    // As Prisma raises them through the driver adapters: the driver's error is in meta, not the cause.
    [
      'Prisma, PostgreSQL shutting down (P2039)',
      prismaError('P2039', { kind: 'postgres', code: '57P01', originalCode: '57P01', originalMessage: 'terminating connection' }),
    ],
    ['Prisma, a raw query on a reset connection (P2010)', prismaError('P2010', { kind: 'ConnectionClosed' })],
    ['Prisma, SQLite busy', prismaError('P2010', { kind: 'SocketTimeout' })],
    ['Prisma, the server unreachable', prismaError('P1001', { kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 5432 })],
    ['Prisma, too many connections', prismaError('P2037', { kind: 'TooManyConnections', cause: 'sorry' })],
  ])('%s: retried', (_name, error) => {
    expect(isTransient(error)).toBe(true);
  });

  test.each([
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['bad input', z.string().max(3).safeParse('too long').error],
    ['a refusal for the user', AppError.user('TICKET_ALREADY_CLAIMED', 'error.internal')],
    ['a unique violation', withCode('duplicate key value violates unique constraint', '23505')],
    ['SQLite: a constraint', withCode('UNIQUE constraint failed: Ticket.id', 'SQLITE_CONSTRAINT_UNIQUE')],
    ['SQLite: a full disk', withCode('database or disk is full', 'SQLITE_FULL')],
    ['a Prisma record not found', withCode('No record was found for an update.', 'P2025')],
    ['a Slack API refusal', Object.assign(new Error('An API error occurred: not_in_channel'), { code: 'slack_webapi_platform_error' })],
    ['Prisma, a unique violation', prismaError('P2002', { kind: 'UniqueConstraintViolation', constraint: { fields: ['id'] } })],
    [
      'Prisma, an invalid value (it quotes the data)',
      prismaError('P2039', { kind: 'postgres', code: '22P02', originalCode: '22P02', originalMessage: 'database is locked' }),
    ],
    ['a coded error whose message quotes the data', withCode('Connection terminated unexpectedly (from the customer)', '22P02')],
    ['not an error', 'ECONNREFUSED'],
    ['nothing', null],
  ])('%s: not retried', (_name, error) => {
    expect(isTransient(error)).toBe(false);
  });

  test('a cycle of causes ends', () => {
    const a: Error & { cause?: unknown } = new Error('a');
    a.cause = a;
    expect(isTransient(a)).toBe(false);
  });
});
