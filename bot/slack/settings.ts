import { z } from 'zod';
import { AppError } from '../../core/errors.js';

const empty = (v: unknown) => (v === '' ? undefined : v);

export const ZSlackEnv = z.object({
  SLACK_BOT_TOKEN: z.preprocess(empty, z.string().startsWith('xoxb-', 'must be a bot token (xoxb-…)').optional()),
  SLACK_SIGNING_SECRET: z.preprocess(empty, z.string().min(8).optional()),
  /** Set: Socket Mode (no public URL needed). Unset: HTTP on the web channel's port, at /slack/events. */
  SLACK_APP_TOKEN: z.preprocess(empty, z.string().startsWith('xapp-', 'must be an app-level token (xapp-…)').optional()),
  /** Web API base URL, for proxies and tests (default https://slack.com/api/). */
  SLACK_API_URL: z.preprocess(empty, z.url({ protocol: /^https?$/ }).optional()),
  /** The reaction that turns a message into a ticket, without colons. */
  SLACK_TICKET_EMOJI: z.preprocess(
    empty,
    z
      .string()
      .regex(/^[a-z0-9_+'-]+$/, 'an emoji name without colons, e.g. ticket')
      .default('ticket'),
  ),
  /** The slash command as configured in the Slack app (manifest: /ticket). */
  SLACK_COMMAND: z.preprocess(
    empty,
    z
      .string()
      .regex(/^\/[a-z0-9_-]+$/, 'e.g. /ticket')
      .default('/ticket'),
  ),
});

export interface SlackSettings {
  mode: 'http' | 'socket';
  botToken: string;
  signingSecret: string | undefined;
  appToken: string | undefined;
  apiUrl: string | undefined;
  emoji: string;
  command: string;
}

/**
 * Slack settings from the environment: null when SLACK_BOT_TOKEN is unset (Slack is off). HTTP mode
 * needs SLACK_SIGNING_SECRET; Socket Mode needs SLACK_APP_TOKEN. Throws CONFIG_INVALID naming the problem.
 */
export function parseSlackSettings(env: NodeJS.ProcessEnv): SlackSettings | null {
  const parsed = ZSlackEnv.safeParse(env);
  if (!parsed.success) throw new AppError('CONFIG_INVALID', { message: `Invalid Slack environment:\n${z.prettifyError(parsed.error)}` });
  const e = parsed.data;
  if (!e.SLACK_BOT_TOKEN) return null;
  const mode = e.SLACK_APP_TOKEN ? 'socket' : 'http';
  if (mode === 'http' && !e.SLACK_SIGNING_SECRET) {
    throw new AppError('CONFIG_INVALID', { message: 'Slack: set SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode) next to SLACK_BOT_TOKEN' });
  }
  return {
    mode,
    botToken: e.SLACK_BOT_TOKEN,
    signingSecret: e.SLACK_SIGNING_SECRET,
    appToken: e.SLACK_APP_TOKEN,
    apiUrl: e.SLACK_API_URL,
    emoji: e.SLACK_TICKET_EMOJI,
    command: e.SLACK_COMMAND,
  };
}
