import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type App, createApp } from '../../bot/app.js';
import type { agentView, customerView, intakeView } from '../../bot/web/views.js';
import { BUNDLED_CONFIG } from '../../core/config.js';
import type { TestDatabase } from './databases.js';

/** The bearer token the web tests start the app with (at least 16 characters, as the app demands). */
export const API_TOKEN = 'test-token-0123456789';

// What the web channel answers, as JSON (the views already turn dates into ISO strings).
export type IntakeView = ReturnType<typeof intakeView>;
export type CustomerView = ReturnType<typeof customerView>;
export type AgentView = ReturnType<typeof agentView>;
export interface ErrorBody {
  error: { code: string; message: string; ref?: string; fields?: Record<string, string> };
}

export interface WebApp {
  app: App;
  /** `http://127.0.0.1:<port>` of the real listening socket. */
  base: string;
  close(): Promise<void>;
}

/**
 * The real app (createApp) on a fresh database, listening on an ephemeral port. `apiToken: null`
 * starts it without TICKETBOT_API_TOKEN (agent API off). Closing also drops the database.
 */
export async function startWebApp(
  db: TestDatabase,
  opts: { apiToken?: string | null; env?: NodeJS.ProcessEnv; autoAssign?: boolean; configure?: (raw: Record<string, unknown>) => void } = {},
): Promise<WebApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ticketbot-web-'));
  const token = opts.apiToken === undefined ? API_TOKEN : opts.apiToken;
  // The bundled config, with auto-assignment off unless asked for: most web tests exercise claims on new tickets.
  const config = JSON.parse(readFileSync(BUNDLED_CONFIG, 'utf8')) as { routing?: Record<string, unknown> };
  config.routing = { ...config.routing, autoAssign: opts.autoAssign ?? false };
  opts.configure?.(config);
  const configPath = join(dataDir, 'ticketbot.config.json');
  writeFileSync(configPath, JSON.stringify(config));
  const env: NodeJS.ProcessEnv = {
    TICKETBOT_DATA_DIR: dataDir,
    DATABASE_URL: db.url,
    // Pinned so that a ticketbot.config.* in the working directory cannot change the agents and teams.
    TICKETBOT_CONFIG: configPath,
    LOG_LEVEL: 'silent',
    ...(token === null ? {} : { TICKETBOT_API_TOKEN: token }),
    ...opts.env,
  };
  const cleanup = async () => {
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  let app: App;
  try {
    app = await createApp({ env });
  } catch (error) {
    await cleanup();
    throw error;
  }
  try {
    const base = await app.web.listen({ port: 0, host: '127.0.0.1' });
    return {
      app,
      base,
      close: async () => {
        await app.close();
        await cleanup();
      },
    };
  } catch (error) {
    await app.close();
    await cleanup();
    throw error;
  }
}

export interface HttpResponse<T> {
  status: number;
  headers: Headers;
  /** The raw response text. */
  text: string;
  /** The parsed JSON (undefined when the answer is not JSON). */
  body: T;
}

export interface HttpOptions {
  /** Sent as JSON with `Content-Type: application/json`. */
  json?: unknown;
  /** Sent as is; set the content type in `headers`. */
  raw?: string;
  headers?: Record<string, string>;
}

/** One request over the real socket with the global fetch. */
export async function http<T = unknown>(base: string, method: string, path: string, opts: HttpOptions = {}): Promise<HttpResponse<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  let body: string | undefined;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers['content-type'] ??= 'application/json';
  } else if (opts.raw !== undefined) {
    body = opts.raw;
  }
  const res = await fetch(new URL(path, base), { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await res.text();
  const isJson = res.headers.get('content-type')?.includes('application/json') ?? false;
  return { status: res.status, headers: res.headers, text, body: (isJson && text ? JSON.parse(text) : undefined) as T };
}

/** A web intake body: the fields of POST /api/messages with sensible defaults. */
export function intakeBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    messageId: 'web-msg-1',
    text: '我买的外套有破洞，想退货退款',
    customer: { id: 'cust-1', name: '王芳' },
    channel: 'web',
    ...overrides,
  };
}

/** POST /api/messages. */
export function postMessage(base: string, body: unknown, headers: Record<string, string> = {}) {
  return http<{ ticket: IntakeView } & Partial<ErrorBody>>(base, 'POST', '/api/messages', { json: body, headers });
}

/** The agent API as one agent: bearer token and `X-Agent-Id` on every request. */
export function agentClient(base: string, agentId: string, opts: { lang?: string; token?: string } = {}) {
  const headers = {
    authorization: `Bearer ${opts.token ?? API_TOKEN}`,
    'x-agent-id': agentId,
    ...(opts.lang ? { 'accept-language': opts.lang } : {}),
  };
  return {
    get: <T>(path: string) => http<T & Partial<ErrorBody>>(base, 'GET', path, { headers }),
    post: <T>(path: string, json?: unknown) => http<T & Partial<ErrorBody>>(base, 'POST', path, json === undefined ? { headers } : { json, headers }),
    /** POST /api/agent/tickets/:number/:action. */
    act: (number: string, action: string, json?: unknown) =>
      http<{ ticket: AgentView } & Partial<ErrorBody>>(
        base,
        'POST',
        `/api/agent/tickets/${number}/${action}`,
        json === undefined ? { headers } : { json, headers },
      ),
    /** GET /api/agent/tickets/:number (messages and events included). */
    ticket: (number: string) => http<{ ticket: AgentView } & Partial<ErrorBody>>(base, 'GET', `/api/agent/tickets/${number}`, { headers }),
    /** POST /api/agent/commands. */
    command: (text: string, extra: Record<string, unknown> = {}) =>
      http<{ text: string; ticket?: AgentView; tickets?: AgentView[] } & Partial<ErrorBody>>(base, 'POST', '/api/agent/commands', {
        json: { text, ...extra },
        headers,
      }),
  };
}

/** Samples of one Prometheus metric whose labels include `labels`, from the text exposition format. */
export function metricSamples(text: string, name: string, labels: Record<string, string> = {}): { labels: Record<string, string>; value: number }[] {
  const samples: { labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line.trim());
    if (!m || m[1] !== name) continue;
    const found: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) found[l[1] ?? ''] = l[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) samples.push({ labels: found, value: Number(m[3]) });
  }
  return samples;
}

/** The sum of a metric's samples matching `labels` (0 when there are none). */
export function metricSum(text: string, name: string, labels: Record<string, string> = {}): number {
  return metricSamples(text, name, labels).reduce((sum, s) => sum + s.value, 0);
}

/** The customer lookup path for a ticket, with the access key that intake gave its requester. */
export async function lookupPath(app: WebApp['app'], number: string): Promise<string> {
  const id = Number(number.replace(/^T-/, ''));
  const ticket = await app.deps.tickets.findTicket(id);
  if (!ticket) throw new Error(`no ticket ${number}`);
  return `/api/tickets/${number}?key=${ticket.accessKey}`;
}
