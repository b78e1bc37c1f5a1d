/** Percentile of a list of durations (ms), nearest-rank. */
export function percentile(samples: number[], p: number): number {
  if (!samples.length) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

/** Runs `task(i)` for i < n with at most `concurrency` in flight; returns each call's duration in ms. */
export async function timed(n: number, concurrency: number, task: (i: number) => Promise<unknown>): Promise<{ durations: number[]; wallMs: number }> {
  const durations: number[] = new Array(n);
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      for (let i = next++; i < n; i = next++) {
        const t0 = performance.now();
        await task(i);
        durations[i] = performance.now() - t0;
      }
    }),
  );
  return { durations, wallMs: performance.now() - start };
}

export function summary(name: string, r: { durations: number[]; wallMs: number }) {
  return {
    name,
    n: r.durations.length,
    per_s: Math.round((r.durations.length / r.wallMs) * 1000),
    p50_ms: Number(percentile(r.durations, 50).toFixed(2)),
    p99_ms: Number(percentile(r.durations, 99).toFixed(2)),
  };
}
