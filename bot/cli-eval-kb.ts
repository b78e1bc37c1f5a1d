import { AppError } from '../core/errors.js';

/** `ticketbot eval kb`: wired when the retrieval engine lands. */
export async function evalKb(_args: string[]): Promise<void> {
  throw new AppError('INVALID_INPUT', { message: 'eval kb is not available yet' });
}
