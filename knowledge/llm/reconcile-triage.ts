import { maskForLlm } from '../../core/pii.js';
import type { Triage } from '../../core/ports.js';
import { normalizeOrderNumber } from '../../core/tickets/order-number.js';
import { PRIORITIES, type Priority } from '../../core/tickets/types.js';
import type { LlmTriage } from '../../prompts/triage/index.js';
import { DEFAULT_ORDER_PATTERNS, extractOrderIds, withoutNonOrderDigits } from '../triage/order-ids.js';

/** Which LLM outputs the local rules overrode, for logs: a raised priority may be a prompt-injection attempt. */
export type TriageAdjustment = 'priority_raised' | 'category_replaced' | 'order_ids_dropped' | 'title_replaced';

export interface ReconcileOptions {
  categoryIds: ReadonlySet<string>;
  orderPatterns?: typeof DEFAULT_ORDER_PATTERNS | undefined;
  /** The least urgent priority allowed; defaults to the local classifier's priority for the text. */
  priorityFloor?: Priority | undefined;
}

/** The more urgent of two priorities (P1 is the most urgent). */
export function moreUrgent(a: Priority, b: Priority): Priority {
  return PRIORITIES.indexOf(a) <= PRIORITIES.indexOf(b) ? a : b;
}

/** First non-empty line, whitespace collapsed, at most `max` characters (the title column and chat cards are narrow). */
function titleOf(text: string, max = 60): string {
  const line = (text.split(/\r?\n/).find((l) => l.trim()) ?? '').trim().replace(/\s+/g, ' ');
  const chars = [...line];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : line;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** True when `id` is written in `text` as a whole token, so a model cannot invent or complete an order number. */
export function appearsLiterally(text: string, id: string): boolean {
  if (id.length < 6 || !/\d/.test(id)) return false;
  return new RegExp(`(?<![A-Za-z0-9])#?${escapeRegExp(id)}(?![A-Za-z0-9])`, 'i').test(text);
}

/**
 * Combines the LLM's answer with the local classifier's for the same text. The customer wrote the text, so
 * the model may have been steered by it: the local rules' priority is a floor (safety and legal cues stay
 * authoritative), the category must be configured, and order numbers must occur in the text.
 */
export function reconcileTriage(llm: LlmTriage, local: Triage, text: string, options: ReconcileOptions): { triage: Triage; adjustments: TriageAdjustment[] } {
  const adjustments: TriageAdjustment[] = [];
  const priority = moreUrgent(llm.priority, options.priorityFloor ?? local.priority);
  if (priority !== llm.priority) adjustments.push('priority_raised');
  const categoryOk = options.categoryIds.has(llm.category);
  if (!categoryOk) adjustments.push('category_replaced');

  // Checked against the text without links, e-mail addresses, phone and card numbers: a model (or an
  // older local result) may take a product link's item id or a bank card number for an order number.
  const searchable = withoutNonOrderDigits(text);
  const proposed = llm.orderIds.map((id) => normalizeOrderNumber(id)).filter((id) => id !== '');
  const kept = proposed.filter((id) => appearsLiterally(searchable, id));
  if (kept.length < proposed.length) adjustments.push('order_ids_dropped');
  const patterned = extractOrderIds(text, options.orderPatterns ?? DEFAULT_ORDER_PATTERNS);
  const fromLocal = local.orderIds.filter((id) => appearsLiterally(searchable, id));
  const orderIds = [...new Set([...patterned, ...fromLocal, ...kept])];

  // The model saw masked text, but mask again: the title is shown to every role.
  const llmTitle = titleOf(maskForLlm(llm.title));
  if (!llmTitle) adjustments.push('title_replaced');

  return {
    triage: {
      category: categoryOk ? llm.category : local.category,
      priority,
      sentiment: llm.sentiment,
      language: llm.language,
      orderIds,
      title: llmTitle || local.title,
      confidence: Math.min(1, Math.max(0, llm.confidence)),
    },
    adjustments,
  };
}
