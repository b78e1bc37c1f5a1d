// The local triage classifier: no network, no key. Category from a softmax model over hashed n-grams,
// trained on the configured categories' texts plus labelled tickets; priority from rules, overridden by
// a learned model when one is trained and confident; agent corrections apply at once.
import { z } from 'zod';
import type { AppConfig } from '../../core/config.js';
import { AppError } from '../../core/errors.js';
import { maskPii } from '../../core/pii.js';
import type { Classifier, Triage } from '../../core/ports.js';
import { PRIORITIES, type Priority, ZPriority } from '../../core/tickets/types.js';
import { type Correction, CorrectionMemory } from './correction-memory.js';
import { detectLanguage } from './language.js';
import { SoftmaxModel } from './linear-model.js';
import { extractOrderIds, orderPatternsFor } from './order-ids.js';
import { DEFAULT_LOW_PRIORITY_CATEGORIES, isVipTier, moreUrgent, priorityFloor, rulePriority, sentimentOf } from './priority.js';
import { detectSignals, type Signals } from './signals.js';
import { titleOf } from './title.js';
import { categoryFeatures, DEFAULT_TRAIN_OPTIONS, type LabelledExample, priorityFeatures, type TrainOptions, trainModels } from './train-models.js';

export type { Correction, LabelledExample };

export interface LocalClassifierOptions extends Partial<Omit<TrainOptions, 'softmax'>> {
  /** Overrides of the SGD settings (epochs, learning rate, L2, seed, class weighting). */
  softmax?: Partial<TrainOptions['softmax']>;
  /** Categories that are P4 unless a rule fires (default: consultation, suggestion, other). */
  lowPriorityCategories?: readonly string[];
  /** The learned priority overrides the rules only at or above this probability (default 0.7; on the authored set 0.5 gave priority macro-F1 0.80, 0.7 gave 0.85, rules alone 0.85). */
  priorityConfidence?: number;
  /**
   * 'auto' (default): rules, overridden by the learned model or a remembered agent correction, never
   * below the hard floors (P1 threats, repeated contact ≥ P2). 'rules': rules (and corrections, also
   * floored) only. 'learned': the learned model alone when one was trained (no rules at all; for
   * measuring it), else rules.
   */
  priorityMode?: 'auto' | 'rules' | 'learned';
  /** Categories whose messages count as negative (default: complaint, product_quality). */
  negativeCategories?: readonly string[];
  /** Cosine similarity at which a remembered correction applies to a new text. */
  correctionSimilarity?: number;
}

const ZModelJson = z.object({
  version: z.literal(1),
  labels: z.array(z.string()),
  dim: z.number().int().positive(),
  temperature: z.number().positive(),
  bias: z.array(z.number()),
  rows: z.string(),
  weights: z.string(),
});

/** The persisted form of a LocalClassifier (`toJSON()`); texts of corrections are PII-masked. */
export const ZLocalClassifierJson = z.object({
  kind: z.literal('ticketbot-local-classifier'),
  version: z.literal(1),
  category: ZModelJson,
  priority: ZModelJson.nullable(),
  corrections: z.array(z.object({ text: z.string(), category: z.string().optional(), priority: ZPriority.optional() })),
});
export type LocalClassifierJson = z.infer<typeof ZLocalClassifierJson>;

/** Implements `Classifier` with local models. Create with `new LocalClassifier()` (trains lazily from the config of the first call) or `LocalClassifier.train(config, examples)`. */
export class LocalClassifier implements Classifier {
  private readonly options: TrainOptions;
  private config: AppConfig | null = null;
  private examples: readonly LabelledExample[] = [];
  private category: SoftmaxModel | null = null;
  private priority: SoftmaxModel | null = null;
  private readonly memory: CorrectionMemory;

  constructor(private readonly settings: LocalClassifierOptions = {}) {
    const {
      softmax,
      lowPriorityCategories: _low,
      priorityConfidence: _conf,
      priorityMode: _mode,
      correctionSimilarity: _sim,
      negativeCategories: _neg,
      ...train
    } = settings;
    this.options = { ...DEFAULT_TRAIN_OPTIONS, ...definedOnly(train), softmax: { ...DEFAULT_TRAIN_OPTIONS.softmax, ...definedOnly(softmax ?? {}) } };
    this.memory = new CorrectionMemory((text) => categoryFeatures(text, this.options.dim), settings.correctionSimilarity ?? 0.85);
  }

  /** Trains a classifier on the config's category texts plus `examples` (historical tickets, evaluation training data). */
  static train(config: AppConfig, examples: readonly LabelledExample[] = [], options: LocalClassifierOptions = {}): LocalClassifier {
    const classifier = new LocalClassifier(options);
    classifier.config = config;
    classifier.retrain(examples);
    return classifier;
  }

  /** The configured category ids the model predicts (empty before training). */
  get labels(): readonly string[] {
    return this.category?.labels ?? [];
  }

  /** Whether a learned priority model is in use (enough labelled priorities were given). */
  get hasPriorityModel(): boolean {
    return this.priority !== null;
  }

  /** Every correction so far (PII-masked), oldest first. */
  get corrections(): Correction[] {
    return this.memory.list();
  }

  async classify(text: string, context: { config: AppConfig; customerTier?: string | undefined }): Promise<Triage> {
    return this.triage(text, context);
  }

  /** `classify` without the promise (benchmarks, batch evaluation). Never throws: on an internal error it answers from rules alone. */
  triage(text: string, context: { config: AppConfig; customerTier?: string | undefined }): Triage {
    const triage = this.triageOrRules(text, context);
    // The shop's own order-number formats (config `orderNumbers`) come on top of the built-in ones.
    return context.config.orderNumbers.length ? { ...triage, orderIds: extractOrderIds(text, orderPatternsFor(context.config)) } : triage;
  }

  private triageOrRules(text: string, context: { config: AppConfig; customerTier?: string | undefined }): Triage {
    try {
      return this.triageWithModels(text, context);
    } catch {
      const signals = detectSignals(text);
      const category = context.config.categories.at(-1)?.id ?? 'other';
      return this.result(text, category, 0, rulePriority(signals, category, this.priorityRuleOptions(undefined)), signals, context.customerTier);
    }
  }

  private triageWithModels(text: string, context: { config: AppConfig; customerTier?: string | undefined }): Triage {
    const model = this.modelFor(context.config);
    const x = categoryFeatures(text, this.options.dim);
    const predicted = model.predict(x);
    const remembered = this.memory.nearest(x);
    const signals = detectSignals(text);
    let category = predicted.label;
    let confidence = predicted.probability;
    const correctedCategory = remembered?.correction.category;
    if (remembered && correctedCategory !== undefined && model.labels.includes(correctedCategory)) {
      category = correctedCategory;
      confidence = Math.max(remembered.similarity, predicted.proba[model.labels.indexOf(category)] ?? 0);
    }
    // Priority of the message itself; the customer's tier is applied last so that sentiment can ignore it.
    let priority = rulePriority(signals, category, this.priorityRuleOptions(undefined));
    const mode = this.settings.priorityMode ?? 'auto';
    const corrected = remembered?.correction.priority;
    if (corrected !== undefined) {
      // The correction was made on a similar text, not this one: a customer who resends it with "12315"
      // or "third time" added still matches it, and the hard floors must lift it as they lift the model.
      priority = mode === 'learned' && this.priority ? corrected : moreUrgent(corrected, priorityFloor(signals));
    } else if (this.priority && mode !== 'rules') {
      const learned = this.priority.predict(priorityFeatures(text, category, this.options.dim));
      const label = learned.label as Priority;
      // Rules carry knowledge that a few hundred labels do not (12315, injuries); the learned model wins only when sure.
      if (mode === 'learned') priority = label;
      else if (learned.probability >= (this.settings.priorityConfidence ?? 0.7)) priority = moreUrgent(label, priorityFloor(signals));
    }
    return this.result(text, category, confidence, priority, signals, context.customerTier);
  }

  private result(text: string, category: string, confidence: number, priority: Priority, signals: Signals, customerTier: string | undefined): Triage {
    return {
      category,
      priority: isVipTier(customerTier) ? moreUrgent(priority, 'P2') : priority,
      sentiment: sentimentOf(signals, {
        category,
        priority,
        ...(this.settings.negativeCategories ? { negativeCategories: this.settings.negativeCategories } : {}),
      }),
      language: detectLanguage(text),
      orderIds: extractOrderIds(text),
      // Mask before cutting: a cut phone number or e-mail no longer matches the masking patterns.
      title: titleOf(maskPii(text)),
      confidence,
    };
  }

  private priorityRuleOptions(customerTier: string | undefined) {
    return { customerTier, lowCategories: this.settings.lowPriorityCategories ?? DEFAULT_LOW_PRIORITY_CATEGORIES };
  }

  // The model for this config; retrains when the configured category ids changed (config reload).
  private modelFor(config: AppConfig): SoftmaxModel {
    if (this.category && (config === this.config || sameIds(config, this.category.labels))) {
      this.config = config;
      return this.category;
    }
    this.config = config;
    this.retrain();
    if (!this.category) throw new Error('local classifier: training produced no model');
    return this.category;
  }

  /**
   * Applies an agent's correction at once: the text (and near copies) get the corrected labels from
   * now on, and the models take gradient steps so that similar messages move too. Corrections are kept
   * (PII-masked), included with extra weight in every retrain and persisted by `toJSON`.
   */
  correct(correction: Correction): void {
    if (correction.category !== undefined && this.category && !this.category.labels.includes(correction.category)) {
      throw AppError.user('UNKNOWN_CATEGORY', 'error.unknownCategory', { category: correction.category }, `No category called "${correction.category}".`);
    }
    const stored = this.memory.add({ ...correction, text: maskPii(correction.text) });
    this.applyToModels(stored);
  }

  private applyToModels(c: Correction): void {
    if (this.category && c.category !== undefined) this.category.learn(categoryFeatures(c.text, this.options.dim), this.category.labels.indexOf(c.category));
    if (this.priority && c.priority !== undefined) {
      const category = c.category ?? this.category?.predict(categoryFeatures(c.text, this.options.dim)).label ?? '';
      this.priority.learn(priorityFeatures(c.text, category, this.options.dim), PRIORITIES.indexOf(c.priority));
    }
  }

  /**
   * Full retrain from the config's texts, `examples` (default: the ones given last time) and every
   * correction; then each correction is re-applied so that none is outvoted by the bulk of the data.
   */
  retrain(examples: readonly LabelledExample[] = this.examples): void {
    if (!this.config) throw new Error('LocalClassifier.retrain: no config yet (use LocalClassifier.train or classify first)');
    this.examples = examples;
    const corrections = this.memory.list();
    const trained = trainModels(this.config, examples, corrections, this.options);
    this.category = trained.category;
    this.priority = trained.priority;
    for (const c of corrections) this.applyToModels(c);
  }

  toJSON(): LocalClassifierJson {
    if (!this.category) throw new Error('LocalClassifier.toJSON: not trained yet');
    return {
      kind: 'ticketbot-local-classifier',
      version: 1,
      category: this.category.toJSON(),
      priority: this.priority?.toJSON() ?? null,
      corrections: this.corrections,
    };
  }

  /** Restores a classifier saved with `toJSON` (validated; throws INVALID_INPUT on a damaged file). Predictions are identical. */
  static fromJSON(json: unknown, options: LocalClassifierOptions = {}): LocalClassifier {
    const parsed = ZLocalClassifierJson.safeParse(json);
    if (!parsed.success) throw new AppError('INVALID_INPUT', { message: `Invalid local classifier model:\n${z.prettifyError(parsed.error)}` });
    const classifier = new LocalClassifier({ ...options, dim: parsed.data.category.dim });
    classifier.category = SoftmaxModel.fromJSON(parsed.data.category);
    classifier.priority = parsed.data.priority ? SoftmaxModel.fromJSON(parsed.data.priority) : null;
    for (const c of parsed.data.corrections) classifier.memory.add(c);
    return classifier;
  }
}

function sameIds(config: AppConfig, labels: readonly string[]): boolean {
  return config.categories.length === labels.length && config.categories.every((c, i) => c.id === labels[i]);
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
