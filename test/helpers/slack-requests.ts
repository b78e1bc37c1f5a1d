import { createHmac } from 'node:crypto';

/*
 * Requests as Slack sends them to an app's Request URL: signed POSTs to /slack/events, and builders for
 * the payload shapes the bot handles (slash commands, message shortcuts, block actions, view submissions,
 * Events API callbacks). Ids default to a single fake workspace.
 */

const TEAM_ID = 'T0TEAM';
const TEAM_DOMAIN = 'fake-team';
const CHANNEL_ID = 'C0SUPPORT';
const CHANNEL_NAME = 'support';
const APP_ID = 'A0APP';
const BOT_USER_ID = 'U0BOT';
const VERIFICATION_TOKEN = 'fake-verification-token';
const DEFAULT_MESSAGE_TS = '1700000000.000100';

let seq = 0;
function next(): number {
  seq += 1;
  return seq;
}

function triggerId(): string {
  return `1700000000.${String(next()).padStart(4, '0')}.fake${Date.now().toString(16)}`;
}

function actionTs(): string {
  return (Date.now() / 1000).toFixed(6);
}

/** `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<body>`, as in Slack's request signing. */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SlackPost {
  body: string;
  contentType: 'application/json' | 'application/x-www-form-urlencoded';
}

/** POST a payload to `${baseUrl}/slack/events`, correctly signed unless overridden. Returns status, body text and elapsed ms. */
export async function postToSlack(
  baseUrl: string,
  secret: string,
  post: SlackPost,
  opts: { timestamp?: number; signature?: string; retryNum?: number; retryReason?: string } = {},
): Promise<{ status: number; text: string; ms: number }> {
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': post.contentType,
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': opts.signature ?? slackSignature(secret, timestamp, post.body),
  };
  if (opts.retryNum !== undefined) headers['x-slack-retry-num'] = String(opts.retryNum);
  if (opts.retryReason !== undefined) headers['x-slack-retry-reason'] = opts.retryReason;
  const started = performance.now();
  const res = await fetch(`${baseUrl.replace(/\/+$/, '')}/slack/events`, { method: 'POST', headers, body: post.body });
  const text = await res.text();
  return { status: res.status, text, ms: performance.now() - started };
}

function form(fields: Record<string, string>): SlackPost {
  return { body: new URLSearchParams(fields).toString(), contentType: 'application/x-www-form-urlencoded' };
}

/** Interactive payloads travel as a single form field `payload=<json>`. */
function payloadForm(payload: Record<string, unknown>): SlackPost {
  return form({ payload: JSON.stringify(payload) });
}

function json(body: Record<string, unknown>): SlackPost {
  return { body: JSON.stringify(body), contentType: 'application/json' };
}

function userObject(userId: string, teamId = TEAM_ID): Record<string, unknown> {
  const name = userId.toLowerCase();
  return { id: userId, username: name, name, team_id: teamId };
}

export function slashCommand(p: {
  text: string;
  userId: string;
  channelId?: string;
  responseUrl: string;
  command?: string;
  teamId?: string;
  userName?: string;
}): SlackPost {
  return form({
    token: VERIFICATION_TOKEN,
    team_id: p.teamId ?? TEAM_ID,
    team_domain: TEAM_DOMAIN,
    channel_id: p.channelId ?? CHANNEL_ID,
    channel_name: CHANNEL_NAME,
    user_id: p.userId,
    user_name: p.userName ?? p.userId.toLowerCase(),
    command: p.command ?? '/ticket',
    text: p.text,
    api_app_id: APP_ID,
    is_enterprise_install: 'false',
    response_url: p.responseUrl,
    trigger_id: triggerId(),
  });
}

export function messageShortcut(p: {
  callbackId?: string;
  userId: string;
  channelId?: string;
  message: { ts: string; user: string; text: string; thread_ts?: string };
  responseUrl: string;
}): SlackPost {
  const message: Record<string, unknown> = { type: 'message', user: p.message.user, ts: p.message.ts, text: p.message.text };
  if (p.message.thread_ts !== undefined) message['thread_ts'] = p.message.thread_ts;
  return payloadForm({
    type: 'message_action',
    token: VERIFICATION_TOKEN,
    action_ts: actionTs(),
    team: { id: TEAM_ID, domain: TEAM_DOMAIN },
    user: userObject(p.userId),
    channel: { id: p.channelId ?? CHANNEL_ID, name: CHANNEL_NAME },
    is_enterprise_install: false,
    enterprise: null,
    callback_id: p.callbackId ?? 'create_ticket',
    trigger_id: triggerId(),
    response_url: p.responseUrl,
    message_ts: p.message.ts,
    message,
  });
}

export function blockAction(p: {
  actionId: string;
  value?: string;
  selectedOption?: string;
  selectedUser?: string;
  userId: string;
  channelId?: string;
  messageTs?: string;
  threadTs?: string;
  responseUrl: string;
  blockId?: string;
  /** The clicked message's blocks, as Slack sends them along. */
  messageBlocks?: unknown[];
}): SlackPost {
  const channelId = p.channelId ?? CHANNEL_ID;
  const messageTs = p.messageTs ?? DEFAULT_MESSAGE_TS;
  const base = { action_id: p.actionId, block_id: p.blockId ?? 'actions', action_ts: actionTs() };
  let action: Record<string, unknown>;
  if (p.selectedOption !== undefined) {
    action = {
      type: 'static_select',
      ...base,
      selected_option: { text: { type: 'plain_text', text: p.selectedOption, emoji: true }, value: p.selectedOption },
    };
  } else if (p.selectedUser !== undefined) {
    action = { type: 'users_select', ...base, selected_user: p.selectedUser };
  } else {
    action = { type: 'button', ...base, text: { type: 'plain_text', text: p.value ?? p.actionId, emoji: true } };
  }
  if (p.value !== undefined) action['value'] = p.value;
  const message: Record<string, unknown> = { type: 'message', ts: messageTs, user: BOT_USER_ID, bot_id: 'B0BOT' };
  if (p.threadTs !== undefined) message['thread_ts'] = p.threadTs;
  if (p.messageBlocks !== undefined) message['blocks'] = p.messageBlocks;
  return payloadForm({
    type: 'block_actions',
    user: userObject(p.userId),
    api_app_id: APP_ID,
    token: VERIFICATION_TOKEN,
    container: { type: 'message', message_ts: messageTs, channel_id: channelId, is_ephemeral: false },
    trigger_id: triggerId(),
    team: { id: TEAM_ID, domain: TEAM_DOMAIN },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channelId, name: CHANNEL_NAME },
    message,
    state: { values: {} },
    response_url: p.responseUrl,
    actions: [action],
  });
}

export function viewSubmission(p: {
  callbackId: string;
  userId: string;
  privateMetadata?: string;
  values: Record<string, Record<string, { type: string; value?: string; selected_option?: { value: string } }>>;
}): SlackPost {
  const viewId = `V0VIEW${next()}`;
  return payloadForm({
    type: 'view_submission',
    team: { id: TEAM_ID, domain: TEAM_DOMAIN },
    user: userObject(p.userId),
    api_app_id: APP_ID,
    token: VERIFICATION_TOKEN,
    trigger_id: triggerId(),
    view: {
      id: viewId,
      team_id: TEAM_ID,
      type: 'modal',
      blocks: [],
      private_metadata: p.privateMetadata ?? '',
      callback_id: p.callbackId,
      state: { values: p.values },
      hash: `${Date.now()}.fakehash`,
      title: { type: 'plain_text', text: 'Ticket', emoji: true },
      clear_on_close: false,
      notify_on_close: false,
      close: null,
      submit: { type: 'plain_text', text: 'Submit', emoji: true },
      previous_view_id: null,
      root_view_id: viewId,
      app_id: APP_ID,
      external_id: '',
      app_installed_team_id: TEAM_ID,
      bot_id: 'B0BOT',
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  });
}

export function eventCallback(event: Record<string, unknown>, opts: { eventId?: string; teamId?: string; authedUserId?: string } = {}): SlackPost {
  const teamId = opts.teamId ?? TEAM_ID;
  return json({
    token: VERIFICATION_TOKEN,
    team_id: teamId,
    api_app_id: APP_ID,
    event,
    type: 'event_callback',
    event_id: opts.eventId ?? `Ev0FAKE${String(next()).padStart(6, '0')}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: teamId, user_id: opts.authedUserId ?? BOT_USER_ID, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  });
}

export function urlVerification(challenge: string): SlackPost {
  return json({ token: VERIFICATION_TOKEN, challenge, type: 'url_verification' });
}
