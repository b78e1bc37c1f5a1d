import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { AppError, httpStatusOf, toAppError } from '../../core/errors.js';
import { langFromHeader, render } from '../../core/i18n/translate.js';

/** `{ "field.path": "message" }` from a zod error, for 400 answers. */
export function fieldErrors(error: ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.') || '(body)';
    fields[path] ??= issue.message;
  }
  return fields;
}

/**
 * One error answer for the whole HTTP channel: `{ error: { code, message, ref?, fields? } }`, the
 * message in the caller's language, and the reference id logged with the cause for 5xx.
 */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const lang = langFromHeader(request.headers['accept-language']);
  if (error instanceof ZodError) {
    return reply.status(400).send({ error: { code: 'INVALID_INPUT', message: 'Invalid request', fields: fieldErrors(error) } });
  }
  const fastifyError = error as FastifyError;
  if (!(error instanceof AppError) && fastifyError.statusCode && fastifyError.statusCode < 500) {
    return reply.status(fastifyError.statusCode).send({ error: { code: fastifyError.code ?? 'BAD_REQUEST', message: fastifyError.message } });
  }
  const appError = toAppError(error);
  const status = httpStatusOf[appError.code];
  if (status >= 500) request.log.error({ err: appError.cause ?? appError, ref: appError.ref }, appError.message);
  else request.log.info({ code: appError.code, ref: appError.ref }, appError.message);
  return reply.status(status).send({ error: { code: appError.code, message: render(lang, appError.userMessage), ref: appError.ref } });
}
