/** Thrown (and used as the abort reason) when a call runs past its deadline. */
export class DeadlineExceededError extends Error {
  constructor(readonly ms: number) {
    super(`LLM call exceeded its ${ms} ms deadline`);
    this.name = 'DeadlineExceededError';
  }
}

/**
 * Runs `run` with an AbortSignal that fires after `ms` and settles no later than that. The SDK's own timeout
 * is per attempt and its retries sleep in between, so only an outer deadline bounds the total; the race
 * guarantees the bound even if some layer ignored the signal.
 */
export async function withDeadline<T>(ms: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new DeadlineExceededError(ms);
      controller.abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([run(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}
