import { z } from 'zod';
import { ZPlatform } from './types.js';

export const ZConversationRef = z.object({
  platform: ZPlatform,
  workspaceId: z.string().max(200).default(''),
  channelId: z.string().max(200).default(''),
  threadId: z.string().max(200).default(''),
  messageId: z.string().max(200).default(''),
});

/** A file sent with a message: a link to it. http(s) only: agents' tools render it as a link (no `javascript:`). */
export const ZAttachment = z.object({
  url: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }).max(2000),
  name: z.string().max(200).optional(),
  contentType: z.string().max(100).optional(),
});

/** The longest platform message id the core stores. */
export const MAX_PLATFORM_MESSAGE_ID = 200;

/** A message from any platform, normalised by its adapter. The one shape core intake accepts. */
export const ZInboundMessage = z.object({
  platform: ZPlatform,
  /** The platform's id for this message: deliveries with the same id are one message. */
  platformMessageId: z.string().trim().min(1).max(MAX_PLATFORM_MESSAGE_ID),
  conversation: ZConversationRef.optional(),
  author: z.object({
    platformUserId: z.string().trim().min(1).max(200),
    name: z.string().trim().max(100).optional(),
    phone: z.string().trim().max(40).optional(),
    email: z.string().trim().max(200).optional(),
  }),
  text: z.string().trim().min(1).max(20_000),
  orderIds: z.array(z.string().trim().min(1).max(64)).max(20).default([]),
  channel: ZPlatform,
  attachments: z.array(ZAttachment).max(20).default([]),
});
export type InboundMessage = z.infer<typeof ZInboundMessage>;
export type InboundMessageInput = z.input<typeof ZInboundMessage>;
