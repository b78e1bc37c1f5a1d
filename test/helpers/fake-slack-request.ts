import type { IncomingMessage } from 'node:http';

// How the fake Slack Web API reads a call's arguments, whichever encoding WebClient chose.

/** Form fields that are plain text even when they look like JSON. */
const TEXT_FIELDS = new Set(['text', 'markdown_text', 'fallback', 'title', 'initial_comment', 'query', 'name', 'content']);

/** Decode a form value the way WebClient encoded it: objects and arrays travel as JSON strings. */
function decodeFormValue(key: string, value: string): unknown {
  if (TEXT_FIELDS.has(key)) return value;
  const first = value.trimStart()[0];
  if (first !== '{' && first !== '[') return value;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null ? parsed : value;
  } catch {
    return value;
  }
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The arguments of a Web API call, as JSON, multipart or form-encoded (WebClient's default). */
export async function parseArgs(req: IncomingMessage, raw: Buffer): Promise<Record<string, unknown>> {
  const rawContentType = String(req.headers['content-type'] ?? '');
  const contentType = rawContentType.toLowerCase();
  const args: Record<string, unknown> = {};
  if (contentType.startsWith('application/json')) {
    const text = raw.toString('utf8');
    if (!text.trim()) return args;
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { _body: parsed };
  }
  if (contentType.startsWith('multipart/form-data')) {
    // WebClient switches to multipart when an argument is a Buffer (file uploads).
    // Keep the header's original case: the multipart boundary is case-sensitive.
    const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': rawContentType } }).formData();
    form.forEach((value, key) => {
      args[key] = typeof value === 'string' ? decodeFormValue(key, value) : { filename: value.name, size: value.size, type: value.type };
    });
    return args;
  }
  for (const [key, value] of new URLSearchParams(raw.toString('utf8'))) args[key] = decodeFormValue(key, value);
  return args;
}
