// Values of the fake Slack Web API (fake-slack.ts): message timestamps and loose argument parsing.

export type Message = Record<string, unknown> & { ts: string; thread_ts?: string };

export interface Failure {
  error?: string;
  status?: number;
}

export interface Reply {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

// ts values are microseconds since the epoch, kept as numbers (fits well within 2^53).
export const TS_BASE = 1_700_000_000_000_000;
export const TS_STEP = 100;

export function parseTs(ts: string): number {
  const [sec = '0', frac = ''] = ts.split('.');
  return Number(sec) * 1_000_000 + Number(frac.padEnd(6, '0').slice(0, 6));
}

export function formatTs(micros: number): string {
  return `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
}

export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

export function truthy(v: unknown): boolean {
  return v === true || v === 1 || v === 'true' || v === '1';
}
