import { type Logger, pino } from 'pino';

export type { Logger };

/** JSON logs to stdout (pipe through pino-pretty in development: `npm run dev`). */
export function createLogger(level: string): Logger {
  return pino({ level, base: { app: 'ticketbot' }, redact: ['req.headers.authorization', '*.phone', '*.email'] });
}
