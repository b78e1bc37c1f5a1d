import { AppError } from '../core/errors.js';

export const EVAL_HELP = `  ticketbot eval classify --test FILE [--train FILE] [--classifier local|llm] [--json]
  ticketbot eval kb --kb FILE --queries FILE [--threshold X] [--embedder local|openai] [--json]`;

export async function evalCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  // Loaded per subcommand: `ticketbot start`/`worker` import this file and need none of it.
  if (sub === 'classify') {
    const { evalClassify } = await import('./cli-eval-classify.js');
    return evalClassify(rest);
  }
  if (sub === 'kb') {
    const { evalKb } = await import('./cli-eval-kb.js');
    return evalKb(rest);
  }
  throw new AppError('INVALID_INPUT', { message: `usage:\n${EVAL_HELP}` });
}
