import type { Ticket } from '../../core/tickets/types.js';
import type { TestDatabase } from './databases.js';
import { FakeSlack } from './fake-slack.js';
import { messageShortcut, postToSlack, type SlackPost } from './slack-requests.js';
import { startWebApp, type WebApp } from './web.js';

export const SIGNING_SECRET = 'slack-test-signing-secret';

/** Slack users of the test workspace: configured agents, and a customer who is not. */
export const SLACK_USERS = { lin: 'U0LIN', zhou: 'U0ZHOU', li: 'U0LI', customer: 'U0CUST' } as const;

export interface SlackTestApp extends WebApp {
  fake: FakeSlack;
  /** Signs and posts a payload to /slack/events on the app's own HTTP port. */
  post(payload: SlackPost, opts?: Parameters<typeof postToSlack>[3]): ReturnType<typeof postToSlack>;
  /** Waits until the app has finished every Slack request it took and has no card update in flight. */
  idle(): Promise<void>;
}

/** The real app with Slack in HTTP mode, its Web API pointed at a local fake; agents lin, zhou, li have Slack ids. */
export async function startSlackApp(
  db: TestDatabase,
  opts: { env?: NodeJS.ProcessEnv; configure?: (raw: Record<string, unknown>) => void } = {},
): Promise<SlackTestApp> {
  const fake = await FakeSlack.start();
  let web: WebApp;
  try {
    web = await startWebApp(db, {
      env: { SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: fake.apiUrl, ...opts.env },
      configure: (raw) => {
        const agents = raw.agents as { id: string; identities: { platform: string; userId: string }[] }[];
        for (const agent of agents) {
          const slackId = SLACK_USERS[agent.id as keyof typeof SLACK_USERS];
          if (slackId) agent.identities.push({ platform: 'slack', userId: slackId });
        }
        opts.configure?.(raw);
      },
    });
  } catch (error) {
    await fake.close();
    throw error;
  }
  return {
    ...web,
    fake,
    post: (payload, o) => postToSlack(web.base, SIGNING_SECRET, payload, o),
    idle: async () => {
      await web.app.slack?.idle();
    },
    close: async () => {
      await web.close();
      await fake.close();
    },
  };
}

/** Polls until `check` returns a value that is not undefined/null/false (the app works after acking Slack). */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The support channel the payload builders default to. */
export const CHANNEL = 'C0SUPPORT';

export interface FiledTicket {
  ticket: Ticket;
  /** The ticket's thread (the customer's message). */
  threadTs: string;
  /** The bot's card in that thread. */
  cardTs: string;
}

/** A customer's message in the channel, turned into a ticket by lin's message shortcut; waits for the card. */
export async function fileTicket(s: SlackTestApp, text: string, opts: { author?: string; requestedBy?: string } = {}): Promise<FiledTicket> {
  const author = opts.author ?? SLACK_USERS.customer;
  const threadTs = s.fake.addMessage(CHANNEL, { user: author, text });
  const res = await s.post(
    messageShortcut({
      userId: opts.requestedBy ?? SLACK_USERS.lin,
      channelId: CHANNEL,
      message: { ts: threadTs, user: author, text },
      responseUrl: s.fake.responseUrl(`file-${threadTs}`),
    }),
  );
  if (res.status !== 200) throw new Error(`shortcut answered ${res.status}: ${res.text}`);
  const card = await s.fake.waitFor('chat.postMessage', (c) => c.args.thread_ts === threadTs && JSON.stringify(c.args.blocks ?? '').includes('tb_claim'));
  const ticket = await eventually(async () => {
    const found = await s.app.deps.tickets.findTicketByConversation({
      platform: 'slack',
      workspaceId: 'T0TEAM',
      channelId: CHANNEL,
      threadId: threadTs,
      messageId: '',
    });
    const linked = found ? await s.app.deps.tickets.listConversations(found.id, 'slack') : [];
    return found && linked.some((c) => c.cardMessageId === card.response.ts) ? found : undefined;
  });
  return { ticket, threadTs, cardTs: String(card.response.ts) };
}

/** The ticket as stored now. */
export async function ticketNow(s: SlackTestApp, id: number): Promise<Ticket> {
  const ticket = await s.app.deps.tickets.findTicket(id);
  if (!ticket) throw new Error(`no ticket ${id}`);
  return ticket;
}

/** The first successful `chat.update` of a card (after `after` calls) whose rendering contains every string in `contains`. */
export function cardUpdate(s: SlackTestApp, cardTs: string, contains: string[], after = 0) {
  return s.fake.waitFor('chat.update', (c) => {
    if (c.args.ts !== cardTs || c.response.ok !== true || s.fake.calls.indexOf(c) < after) return false;
    const shown = JSON.stringify([c.args.text, c.args.blocks]);
    return contains.every((x) => shown.includes(x));
  });
}

/** What the app posted to a response_url (slash command answers). */
export async function responded(s: SlackTestApp, id: string): Promise<{ text: string; responseType: unknown }> {
  const call = await s.fake.waitFor('response_url', (c) => c.args._id === id);
  return { text: String(call.args.text ?? ''), responseType: call.args.response_type };
}

/** The first ephemeral message to one user whose text passes `predicate`. */
export function ephemeralTo(s: SlackTestApp, user: string, predicate: (text: string) => boolean = () => true) {
  return s.fake.waitFor('chat.postEphemeral', (c) => c.args.user === user && predicate(String(c.args.text ?? '')));
}
