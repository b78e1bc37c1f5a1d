// Long computations written as generators that yield at safe points, so one piece of code can run to
// the end at once (a CLI, a benchmark) or share a running bot's event loop (a knowledge-base refit at
// 100k chunks takes seconds: Slack acks, timers and web requests must not wait for it).

/** Work that yields now and then and returns a T. */
export type Steps<T> = Generator<void, T, void>;

/** Runs the work to the end now. */
export function runNow<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Runs the work in slices of about `sliceMs`, giving the event loop a turn between slices. */
export async function runInSlices<T>(steps: Steps<T>, sliceMs = 10): Promise<T> {
  let sliceStart = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - sliceStart >= sliceMs) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
}

/** How many rows a loop handles between yields: small enough to keep slices short, large enough to cost nothing. */
const ROWS_PER_STEP = 256;

/** Whether a row loop should yield after row `i` (0-based): after every ROWS_PER_STEP rows. */
export function stepEndsAt(i: number): boolean {
  return i % ROWS_PER_STEP === ROWS_PER_STEP - 1;
}
