// The HTTP side of the Slack receiver (fastify-receiver.ts): a request's headers and body as Slack sends
// them, and one answer per request, whether it came through Fastify or straight from Node's HTTP server.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse } from 'node:querystring';
import type { FastifyReply } from 'fastify';

export type Body = Record<string, unknown>;

export function header(headers: IncomingMessage['headers'], name: string): string {
  const v = headers[name];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

/** A request as the receiver needs it, from Fastify or straight from Node's HTTP server. */
export interface SlackHttpRequest {
  raw: string;
  headers: IncomingMessage['headers'];
  /** The sender's address, for the log of a refused request (a getpeername call: only asked when needed). */
  ip(): string | undefined;
}

/** Answers a request once: a JSON object, a text, or nothing. */
export interface SlackHttpReply {
  readonly sent: boolean;
  send(status: number, body?: string | Record<string, unknown>): void;
}

export function fastifyReply(reply: FastifyReply): SlackHttpReply {
  return {
    get sent() {
      return reply.sent;
    },
    send(status, body) {
      if (typeof body === 'string') reply.code(status).type('text/plain; charset=utf-8').send(body);
      else reply.code(status).send(body);
    },
  };
}

export function nodeReply(res: ServerResponse): SlackHttpReply {
  return {
    get sent() {
      return res.headersSent;
    },
    send(status, body) {
      if (res.headersSent) return;
      if (body === undefined) {
        res.writeHead(status, { 'content-length': '0' }).end();
        return;
      }
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      const type = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
      res.writeHead(status, { 'content-type': type, 'content-length': String(Buffer.byteLength(text)) }).end(text);
    },
  };
}

/** Slack's body: form-encoded (commands; interactions as a JSON `payload` field) or JSON (events). */
export function parseBody(raw: string, contentType: string): Body {
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    const form = parse(raw);
    return typeof form['payload'] === 'string' ? asObject(JSON.parse(form['payload'])) : (form as Body);
  }
  return asObject(JSON.parse(raw));
}

function asObject(value: unknown): Body {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('a Slack body is a JSON object');
  return value as Body;
}
