import { randomBytes } from 'node:crypto';
import type { LocalizedText, MessageKey, MessageParams } from './i18n/translate.js';

export type ErrorCode =
  | 'TICKET_NOT_FOUND'
  | 'TICKET_INVALID_TRANSITION'
  | 'TICKET_ALREADY_CLAIMED'
  | 'TICKET_CONFLICT'
  | 'AGENT_AT_CAPACITY'
  | 'NOT_PERMITTED'
  | 'UNKNOWN_AGENT'
  | 'UNKNOWN_TEAM'
  | 'UNKNOWN_CATEGORY'
  | 'INVALID_INPUT'
  | 'CONFIG_INVALID'
  | 'INTERNAL';

/** HTTP status for each code, used by the web channel. */
export const httpStatusOf: Record<ErrorCode, number> = {
  TICKET_NOT_FOUND: 404,
  TICKET_INVALID_TRANSITION: 409,
  TICKET_ALREADY_CLAIMED: 409,
  TICKET_CONFLICT: 409,
  AGENT_AT_CAPACITY: 409,
  NOT_PERMITTED: 403,
  UNKNOWN_AGENT: 400,
  UNKNOWN_TEAM: 400,
  UNKNOWN_CATEGORY: 400,
  INVALID_INPUT: 400,
  CONFIG_INVALID: 500,
  INTERNAL: 500,
};

/**
 * The one error type: a string code, a log message for operators and a user message (zh/en)
 * rendered by each adapter together with a short reference id that is also logged.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly userMessage: LocalizedText;
  readonly ref: string;
  readonly details: unknown;

  constructor(code: ErrorCode, opts: { message: string; userMessage?: LocalizedText; cause?: unknown; details?: unknown }) {
    super(opts.message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.ref = randomBytes(4).toString('hex');
    this.userMessage = opts.userMessage ?? { key: 'error.internal', params: { ref: this.ref } };
    this.details = opts.details;
  }

  static user(code: ErrorCode, key: MessageKey, params: MessageParams = {}, message?: string): AppError {
    return new AppError(code, { message: message ?? `${code} ${JSON.stringify(params)}`, userMessage: { key, params } });
  }
}

/** Wraps anything thrown into an AppError; unexpected errors become INTERNAL with the reference id in the user message. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AppError('INTERNAL', { message, cause: error });
}
