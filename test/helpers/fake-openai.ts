import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * A local OpenAI-compatible server for tests: POST /v1/chat/completions and /v1/embeddings on 127.0.0.1.
 * The real SDK talks to it through `baseURL`. Each endpoint answers from a queue of behaviours (one per
 * request, then `otherwise`), and every request body is recorded so tests can check what left the process.
 */

/** What the fake does with one request. */
export type FakeBehaviour =
  /** Chat: a well-formed answer whose content is this value as JSON. */
  | { kind: 'answer'; json: unknown }
  /** Chat: this exact content string (malformed JSON, fenced JSON, …). */
  | { kind: 'content'; content: string; finishReason?: string }
  | { kind: 'refusal'; refusal: string }
  /**
   * Chat: a gullible model that follows instructions inside the customer text ("set priority P4 and
   * category other"), otherwise answers plausibly from the request's schema.
   */
  | { kind: 'naive' }
  /** Embeddings: deterministic vectors per text (not normalised), in the encoding the request asked for. */
  | { kind: 'vectors'; dimension?: number }
  /** Any endpoint: an HTTP error, e.g. 429 with `retry-after-ms`, or 500. */
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: unknown }
  /** Any endpoint: wait, then behave as `then` (default: the endpoint's `otherwise`). The wait ends if the client leaves. */
  | { kind: 'delay'; ms: number; then?: FakeBehaviour };

export interface RecordedRequest {
  path: string;
  // biome-ignore lint/suspicious/noExplicitAny: request bodies are arbitrary JSON and tests read them freely.
  body: any;
  headers: Record<string, string | string[] | undefined>;
}

export interface FakeEndpoint {
  /** Behaviours for the next requests, consumed one per request. */
  enqueue(...behaviours: FakeBehaviour[]): void;
  /** Behaviour once the queue is empty. */
  otherwise: FakeBehaviour;
  readonly requests: RecordedRequest[];
}

export interface FakeOpenAI {
  /** e.g. http://127.0.0.1:54321/v1 — pass as the SDK's baseURL. */
  baseURL: string;
  chat: FakeEndpoint;
  embeddings: FakeEndpoint;
  /** Every request in arrival order, unknown paths included. */
  requests: RecordedRequest[];
  close(): Promise<void>;
}

function endpoint(otherwise: FakeBehaviour): FakeEndpoint & { next(): FakeBehaviour } {
  const queue: FakeBehaviour[] = [];
  return {
    otherwise,
    requests: [],
    enqueue: (...b) => queue.push(...b),
    next() {
      return queue.shift() ?? this.otherwise;
    },
  };
}

function chatCompletion(model: string, message: Record<string, unknown>, finishReason = 'stop') {
  return {
    id: `chatcmpl-fake-${Date.now()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', refusal: null, ...message }, finish_reason: finishReason, logprobs: null }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}

/** A deterministic vector per text, so tests can compare and check normalisation. */
export function fakeVector(text: string, dimension: number): Float32Array {
  const seed = createHash('sha256').update(text).digest();
  return Float32Array.from({ length: dimension }, (_, i) => ((seed[i % seed.length] ?? 0) - 100) / 10);
}

function toBase64(vector: Float32Array): string {
  const bytes = Buffer.alloc(vector.length * 4);
  for (const [i, v] of vector.entries()) bytes.writeFloatLE(v, i * 4);
  return bytes.toString('base64');
}

// biome-ignore lint/suspicious/noExplicitAny: walks arbitrary request JSON.
type Json = any;

/** The customer text as the naive model sees it: the data block if there is one, else the last user message. */
function customerText(body: Json): string {
  const user = [...(body.messages ?? [])].reverse().find((m: Json) => m.role === 'user');
  const content = typeof user?.content === 'string' ? user.content : '';
  return /<customer_message>([\s\S]*?)<\/customer_message>/.exec(content)?.[1]?.trim() ?? content;
}

/** The JSON schema of the request: from response_format, or from the system prompt in json_object mode. */
function requestSchema(body: Json): Json {
  const fromFormat = body.response_format?.json_schema?.schema;
  if (fromFormat) return fromFormat;
  const system = body.messages?.find((m: Json) => m.role === 'system')?.content ?? '';
  const json = /JSON schema:\n(\{[\s\S]*\})\s*$/.exec(system)?.[1];
  return json ? JSON.parse(json) : {};
}

function naiveAnswer(body: Json): unknown {
  const text = customerText(body);
  const schema = requestSchema(body);
  if (schema.properties?.reply) {
    const ids = [...JSON.stringify(body.messages).matchAll(/\[([\w.#:-]+)\]/g)].map((m) => m[1]);
    return { reply: `naive reply to: ${text.slice(0, 40)}`, citations: [...ids, 'made-up-id'] };
  }
  const categories: string[] = schema.properties?.category?.enum ?? ['other'];
  return {
    language: /\p{Script=Han}/u.test(text) ? 'zh' : 'en',
    // Obeys the customer: exactly what a prompt-injection attack hopes for.
    category: /category\s+["']?(\w+)/i.exec(text)?.[1] ?? categories[0],
    priority: /priority\s+(P\d)/i.exec(text)?.[1] ?? /set\s+(P\d)/i.exec(text)?.[1] ?? 'P3',
    sentiment: 'neutral',
    orderIds: [...text.matchAll(/\d{12,19}/g)].map((m) => m[0]),
    title: text.slice(0, 20),
    confidence: 0.9,
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts the fake on a free port. Close it in afterEach/afterAll. */
export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const chat = endpoint({ kind: 'naive' });
  const embeddings = endpoint({ kind: 'vectors' });
  const requests: RecordedRequest[] = [];

  const behave = (b: FakeBehaviour, ep: typeof chat, body: Json, req: IncomingMessage, res: ServerResponse): void => {
    const model = String(body.model ?? 'fake-model');
    switch (b.kind) {
      case 'delay': {
        const timer = setTimeout(() => behave(b.then ?? ep.otherwise, ep, body, req, res), b.ms);
        res.on('close', () => clearTimeout(timer));
        return;
      }
      case 'status':
        send(res, b.status, b.body ?? { error: { message: `fake ${b.status}`, type: 'fake_error', code: null } }, b.headers);
        return;
      case 'answer':
        send(res, 200, chatCompletion(model, { content: JSON.stringify(b.json) }));
        return;
      case 'content':
        send(res, 200, chatCompletion(model, { content: b.content }, b.finishReason));
        return;
      case 'refusal':
        send(res, 200, chatCompletion(model, { content: null, refusal: b.refusal }));
        return;
      case 'naive':
        send(res, 200, chatCompletion(model, { content: JSON.stringify(naiveAnswer(body)) }));
        return;
      case 'vectors': {
        const inputs: string[] = Array.isArray(body.input) ? body.input : [body.input];
        const dimension = b.dimension ?? body.dimensions ?? 8;
        const data = inputs.map((text, index) => {
          const v = fakeVector(text, dimension);
          return { object: 'embedding', index, embedding: body.encoding_format === 'base64' ? toBase64(v) : Array.from(v) };
        });
        // Reversed on purpose: the API does not promise order, clients must sort by index.
        send(res, 200, { object: 'list', data: data.reverse(), model, usage: { prompt_tokens: 1, total_tokens: 1 } });
        return;
      }
    }
  };

  const server = createServer((req, res) => {
    readBody(req).then(
      (raw) => {
        const path = (req.url ?? '').split('?')[0] ?? '';
        let body: Json = null;
        try {
          body = raw ? JSON.parse(raw) : null;
        } catch {
          body = raw;
        }
        const recorded: RecordedRequest = { path, body, headers: req.headers };
        requests.push(recorded);
        const ep = path.endsWith('/chat/completions') ? chat : path.endsWith('/embeddings') ? embeddings : null;
        if (req.method !== 'POST' || !ep) {
          send(res, 404, { error: { message: `no route ${req.method} ${path}` } });
          return;
        }
        ep.requests.push(recorded);
        behave(ep.next(), ep, body ?? {}, req, res);
      },
      () => res.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    chat,
    embeddings,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
