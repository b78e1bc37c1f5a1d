// `ticketbot eval classify`, loaded only when that command runs.
import { parseArgs } from 'node:util';
import { loadConfig, parseEnv, resolveConfigPath } from '../core/config.js';
import { AppError } from '../core/errors.js';
import { type ClassifierFactory, evaluateClassifier, readClassifyJsonl, renderClassifyReport } from '../knowledge/eval/eval-classify.js';
import { parseLlmSettings } from '../knowledge/llm/settings.js';
import { LocalClassifier } from '../knowledge/triage/local-classifier.js';
import { priorityFloor } from '../knowledge/triage/priority.js';
import { detectSignals } from '../knowledge/triage/signals.js';

/** `ticketbot eval classify`: accuracy, macro-F1, per-class F1, confusion matrix, latency. */
export async function evalClassify(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      train: { type: 'string' },
      test: { type: 'string' },
      classifier: { type: 'string', default: 'local' },
      json: { type: 'boolean', default: false },
    },
  });
  if (!values.test)
    throw new AppError('INVALID_INPUT', {
      message: '--test FILE is required\nusage: ticketbot eval classify --test FILE [--train FILE] [--classifier local|llm] [--json]',
    });
  if (values.classifier !== 'local' && values.classifier !== 'llm') throw new AppError('INVALID_INPUT', { message: '--classifier is local or llm' });
  const config = loadConfig(resolveConfigPath(parseEnv(process.env).TICKETBOT_CONFIG));
  const test = readClassifyJsonl(values.test);
  const train = values.train ? readClassifyJsonl(values.train) : undefined;
  let factory: ClassifierFactory | undefined;
  if (values.classifier === 'llm') {
    const settings = parseLlmSettings(process.env);
    if (!settings) throw new AppError('INVALID_INPUT', { message: '--classifier llm needs OPENAI_API_KEY or OPENAI_BASE_URL' });
    const { createLlmServices } = await import('../knowledge/llm/index.js');
    factory = (examples, cfg) =>
      createLlmServices(settings, {
        fallback: LocalClassifier.train(cfg, examples ?? []),
        priorityFloor: (text, { customerTier }) => priorityFloor(detectSignals(text), customerTier),
      }).classifier;
  }
  const result = await evaluateClassifier({ test, config, ...(train ? { train } : {}), ...(factory ? { factory } : {}) });
  if (values.json) {
    console.log(JSON.stringify(result));
    return;
  }
  const what = `${values.classifier}${train ? `, trained on config + ${values.train}` : ', default model (config examples)'}`;
  console.log(renderClassifyReport(result, `${values.test} — ${what}`));
}
