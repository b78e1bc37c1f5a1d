import type OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import type { PromptMessage } from '../../prompts/shared/messages.js';
import { LlmOutputError } from './failure.js';

/**
 * How to ask for JSON. `json_schema` (structured outputs: OpenAI, vLLM, Ollama, Qwen) constrains decoding to
 * the schema. `json_object` is for endpoints that only promise valid JSON (DeepSeek): the schema then goes
 * into the prompt and only our validation enforces it.
 */
export type ResponseFormatMode = 'json_schema' | 'json_object';

export interface StructuredRequest<S extends z.ZodType> {
  client: OpenAI;
  model: string;
  messages: PromptMessage[];
  schema: S;
  /** Schema name as the model sees it. */
  name: string;
  mode: ResponseFormatMode;
  signal: AbortSignal;
  temperature?: number | undefined;
}

/**
 * One chat completion whose answer is validated against `schema`. Throws on any failure (HTTP, refusal,
 * malformed JSON, schema violation); callers turn that into their fallback with `describeLlmFailure`.
 */
export async function completeStructured<S extends z.ZodType>(req: StructuredRequest<S>): Promise<z.infer<S>> {
  const common = { model: req.model, ...(req.temperature === undefined ? {} : { temperature: req.temperature }) };
  if (req.mode === 'json_schema') {
    const completion = await req.client.chat.completions.parse(
      { ...common, messages: req.messages, response_format: zodResponseFormat(req.schema, req.name) },
      { signal: req.signal },
    );
    const message = completion.choices[0]?.message;
    if (message?.refusal) throw new LlmOutputError('refusal', `model refused: ${message.refusal}`);
    if (message?.parsed == null) throw new LlmOutputError('empty', 'model returned no content');
    // The SDK already parsed with the schema; parsing again keeps the contract independent of SDK internals.
    return req.schema.parse(message.parsed);
  }
  const schemaText = JSON.stringify(z.toJSONSchema(req.schema));
  const [system, ...rest] = req.messages;
  const withSchema: PromptMessage[] = system
    ? [{ role: system.role, content: `${system.content}\n\nReply with one JSON object matching this JSON schema:\n${schemaText}` }, ...rest]
    : req.messages;
  const completion = await req.client.chat.completions.create(
    { ...common, messages: withSchema, response_format: { type: 'json_object' } },
    { signal: req.signal },
  );
  const choice = completion.choices[0];
  if (choice?.finish_reason === 'length') throw new LlmOutputError('truncated', 'answer cut at the token limit');
  if (choice?.message.refusal) throw new LlmOutputError('refusal', `model refused: ${choice.message.refusal}`);
  const content = choice?.message.content?.trim();
  if (!content) throw new LlmOutputError('empty', 'model returned no content');
  // Without constrained decoding some models wrap JSON in a Markdown fence.
  const json = content.replace(/^```(?:json)?\s*([\s\S]*?)\s*```$/i, '$1');
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (cause) {
    throw new LlmOutputError('malformed_json', 'answer is not valid JSON', { cause });
  }
  return req.schema.parse(value);
}
