import type OpenAI from 'openai';
import type { AppConfig } from '../../core/config.js';
import { detectLang } from '../../core/i18n/translate.js';
import { maskForLlm } from '../../core/pii.js';
import type { Classifier, Triage } from '../../core/ports.js';
import type { Priority } from '../../core/tickets/types.js';
import { buildTriagePrompt, makeTriageSchema, TRIAGE_SCHEMA_NAME, type TriageSchema } from '../../prompts/triage/index.js';
import type { DEFAULT_ORDER_PATTERNS } from '../triage/order-ids.js';
import { withDeadline } from './deadline.js';
import { describeLlmFailure, type LlmFailureReason, LlmOutputError } from './failure.js';
import { reconcileTriage, type TriageAdjustment } from './reconcile-triage.js';
import { completeStructured, type ResponseFormatMode } from './structured-output.js';

/** How one classification went, for logs and metrics. */
export type TriageOutcome =
  | { source: 'llm'; triage: Triage; model: string; latencyMs: number; adjustments: TriageAdjustment[] }
  | { source: 'fallback'; triage: Triage; model: string; latencyMs: number; reason: LlmFailureReason; status?: number; message: string };

export interface LlmClassifierOptions {
  client: OpenAI;
  model: string;
  /** Answers when the LLM cannot, and its priority is the floor for the LLM's unless `priorityFloor` is given. */
  fallback: Classifier;
  /**
   * The least urgent priority the LLM may give, from rules only (safety, legal, VIP). Use it when the fallback is a
   * trained model whose own priority guess should not outrank the LLM's judgement.
   */
  priorityFloor?: ((text: string, context: { customerTier?: string | undefined }) => Priority) | undefined;
  /** Bound for the whole call, the SDK's retries included. */
  timeoutMs: number;
  responseFormat?: ResponseFormatMode | undefined;
  /** Left to the provider's default when unset: some reasoning models reject any other value. */
  temperature?: number | undefined;
  examplesPerCategory?: number | undefined;
  orderPatterns?: typeof DEFAULT_ORDER_PATTERNS | undefined;
  /** Called once per classification with the source and, for a fallback, the reason. Must not throw. */
  onResult?: ((outcome: TriageOutcome) => void) | undefined;
}

interface ConfigView {
  schema: TriageSchema;
  categoryIds: ReadonlySet<string>;
}

/**
 * Triage by an OpenAI-compatible LLM with structured output. Personal data is masked before the text leaves
 * the process. Never throws: on any failure it answers with the fallback classifier's triage.
 */
export class LlmClassifier implements Classifier {
  private readonly views = new WeakMap<AppConfig, ConfigView>();

  constructor(private readonly options: LlmClassifierOptions) {}

  async classify(text: string, context: { config: AppConfig; customerTier?: string | undefined }): Promise<Triage> {
    const started = performance.now();
    // Always needed (priority floor), so it runs alongside the request instead of after a failure.
    const local = this.options.fallback.classify(text, context);
    // The contract says a classifier never throws; if one does anyway, the await below rethrows it, and this
    // keeps Node from reporting the rejection as unhandled while the LLM call is still running.
    local.catch(() => {});
    const { model } = this.options;
    try {
      const view = this.viewOf(context.config);
      const answer = await withDeadline(this.options.timeoutMs, (signal) =>
        completeStructured({
          client: this.options.client,
          model,
          messages: buildTriagePrompt({
            text: maskForLlm(text),
            lang: detectLang(text),
            categories: context.config.categories,
            priorities: context.config.priorities,
            customerTier: context.customerTier,
            examplesPerCategory: this.options.examplesPerCategory,
          }),
          schema: view.schema,
          name: TRIAGE_SCHEMA_NAME,
          mode: this.options.responseFormat ?? 'json_schema',
          signal,
          temperature: this.options.temperature,
        }),
      );
      const { triage, adjustments } = reconcileTriage(answer, await local, text, {
        categoryIds: view.categoryIds,
        orderPatterns: this.options.orderPatterns,
        priorityFloor: this.options.priorityFloor?.(text, context),
      });
      this.report({ source: 'llm', triage, model, latencyMs: performance.now() - started, adjustments });
      return triage;
    } catch (error) {
      const triage = await local;
      this.report({ source: 'fallback', triage, model, latencyMs: performance.now() - started, ...describeLlmFailure(error) });
      return triage;
    }
  }

  private viewOf(config: AppConfig): ConfigView {
    let view = this.views.get(config);
    if (!view) {
      const ids = config.categories.map((c) => c.id);
      if (ids.length === 0) throw new LlmOutputError('invalid_output', 'no categories configured');
      view = { schema: makeTriageSchema(ids), categoryIds: new Set(ids) };
      this.views.set(config, view);
    }
    return view;
  }

  private report(outcome: TriageOutcome): void {
    try {
      this.options.onResult?.(outcome);
    } catch {
      // A failing log hook must not turn a good triage into a failed intake.
    }
  }
}
