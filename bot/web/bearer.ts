import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Throws a 401 (with `WWW-Authenticate: Bearer`) unless the request carries `Authorization: Bearer <expected>`. */
export function requireBearer(request: FastifyRequest, reply: FastifyReply, expected: string): void {
  const token = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1]?.trim() ?? '';
  if (!sameSecret(token, expected)) {
    reply.header('www-authenticate', 'Bearer');
    throw Object.assign(new Error('missing or wrong bearer token'), { statusCode: 401, code: 'UNAUTHORIZED' });
  }
}

/** Compares a secret given by a caller with the expected one in constant time; an empty expected secret matches nothing. */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return expected.length > 0 && a.length === b.length && timingSafeEqual(a, b);
}
