// The parts of Slack's payloads ticketbot reads, checked with zod, and what the listeners share.
import type { webApi } from '@slack/bolt';
import { z } from 'zod';
import type { Lang } from '../../core/i18n/translate.js';
import type { TicketDeps } from '../../core/tickets/deps.js';
import type { resolveActor } from '../../core/tickets/resolve-actor.js';
import type { Logger } from '../logger.js';
import type { SlackOutbound } from './outbound.js';
import type { SlackSettings } from './settings.js';

export interface InboundContext {
  /** The Web API client with the bot token (Bolt's own `app.client` has none: authorization is ours). */
  client: webApi.WebClient;
  deps: TicketDeps;
  out: SlackOutbound;
  settings: SlackSettings;
  logger: Logger;
}

/** What the message listeners hand the card listeners: refusals, identity, the reply language. */
export interface Helpers {
  refuse(error: unknown, where: { channel: string; user: string; threadTs?: string | undefined }, language?: Lang): Promise<void>;
  actorOf(userId: string): ReturnType<typeof resolveActor>;
  lang(): Lang;
}

export const ZSlackMessage = z.object({
  ts: z.string().min(1),
  thread_ts: z.string().optional(),
  user: z.string().optional(),
  bot_id: z.string().optional(),
  subtype: z.string().optional(),
  text: z.string().default(''),
  /** Files shared with the message (a photo of the damaged parcel): kept as the message's attachments. */
  files: z
    .array(z.looseObject({ name: z.string().nullish(), title: z.string().nullish(), mimetype: z.string().nullish(), permalink: z.string().nullish() }))
    .optional(),
});
export type SlackMessage = z.infer<typeof ZSlackMessage>;

/**
 * What a Slack message says, for the ticket: its text, or for a file-only message the files' names
 * ("📎 broken.jpg"); its files as attachments (their Slack permalinks). Empty text: nothing to keep.
 */
export function messageContent(m: Pick<SlackMessage, 'text' | 'files'>): { text: string; attachments: { url: string; name?: string; contentType?: string }[] } {
  const files = (m.files ?? []).filter((f) => URL.canParse(f.permalink ?? ''));
  const attachments = files.map((f) => ({
    url: String(f.permalink),
    ...(f.name || f.title ? { name: String(f.name || f.title).slice(0, 200) } : {}),
    ...(f.mimetype ? { contentType: f.mimetype.slice(0, 100) } : {}),
  }));
  const text = m.text.trim() || attachments.map((a) => `📎 ${a.name ?? 'file'}`).join(' ');
  return { text, attachments: attachments.slice(0, 20) };
}

export const ZMessageShortcut = z.object({
  team: z.object({ id: z.string() }).nullish(),
  channel: z.object({ id: z.string() }),
  user: z.object({ id: z.string() }),
  message: ZSlackMessage,
});
export const ZReaction = z.object({
  user: z.string(),
  reaction: z.string(),
  item: z.object({ type: z.string(), channel: z.string().optional(), ts: z.string().optional() }),
});
export const ZMention = z.object({
  user: z.string().optional(),
  text: z.string().default(''),
  files: ZSlackMessage.shape.files,
  ts: z.string(),
  thread_ts: z.string().optional(),
  channel: z.string(),
});
export const ZChannelMessage = ZSlackMessage.extend({ channel: z.string(), channel_type: z.string().optional() });
export const ZBlockAction = z.object({
  user: z.object({ id: z.string(), team_id: z.string().optional() }),
  team: z.object({ id: z.string() }).nullish(),
  channel: z.object({ id: z.string() }).optional(),
  container: z.object({ channel_id: z.string().optional(), message_ts: z.string().optional(), thread_ts: z.string().optional() }).optional(),
  message: z.object({ ts: z.string(), thread_ts: z.string().optional(), blocks: z.array(z.unknown()).optional() }).optional(),
  trigger_id: z.string().optional(),
  actions: z
    .array(
      z.object({
        action_id: z.string(),
        block_id: z.string().optional(),
        value: z.string().optional(),
        selected_option: z.object({ value: z.string() }).optional(),
        selected_user: z.string().optional(),
      }),
    )
    .min(1),
});
export type BlockAction = z.infer<typeof ZBlockAction>;
export const ZModalContext = z.object({ ticketId: z.number().int().positive(), channelId: z.string(), threadTs: z.string() });
export const ZViewSubmission = z.object({
  user: z.object({ id: z.string() }),
  team: z.object({ id: z.string() }).nullish(),
  view: z.object({
    private_metadata: z.string(),
    state: z.object({ values: z.record(z.string(), z.record(z.string(), z.object({ value: z.string().nullish() }))) }),
  }),
});

/** The Slack-side id of a channel message: ts is unique within a channel. */
export const messageId = (channel: string, ts: string) => `${channel}:${ts}`;

export function teamOf(body: unknown): string {
  const b = body as { team_id?: unknown; team?: { id?: unknown } | null };
  return typeof b.team_id === 'string' ? b.team_id : typeof b.team?.id === 'string' ? b.team.id : '';
}
