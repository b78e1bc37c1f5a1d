// Slack's membership of the chat adapter contract: the real Bolt app over signed HTTP, the Web API faked.
import { ACTION } from '../../bot/slack/render.js';
import { freshSqlite } from '../helpers/databases.js';
import type { SlackCall } from '../helpers/fake-slack.js';
import { eventually, SLACK_USERS, type SlackTestApp, startSlackApp } from '../helpers/slack-app.js';
import { blockAction, eventCallback, messageShortcut } from '../helpers/slack-requests.js';
import { type ChatHarness, type ChatThread, type ChatUser, chatAdapterContract } from './chat-adapter.contract.js';

const CHANNEL = 'C0GROUP';

interface SlackThread extends ChatThread {
  threadTs: string;
}

class SlackHarness implements ChatHarness {
  private constructor(private readonly s: SlackTestApp) {}

  static async start(): Promise<SlackHarness> {
    // English cards and answers, so the contract can read them.
    return new SlackHarness(await startSlackApp(freshSqlite(), { configure: (raw) => Object.assign(raw, { locale: 'en' }) }));
  }

  get app() {
    return this.s.app;
  }

  private user(who: ChatUser): string {
    return SLACK_USERS[who];
  }

  async createTicket(text: string): Promise<SlackThread> {
    const ts = this.s.fake.addMessage(CHANNEL, { user: SLACK_USERS.customer, text });
    const res = await this.s.post(
      messageShortcut({
        userId: SLACK_USERS.lin,
        channelId: CHANNEL,
        message: { ts, user: SLACK_USERS.customer, text },
        responseUrl: this.s.fake.responseUrl(ts),
      }),
    );
    if (res.status !== 200) throw new Error(`shortcut answered ${res.status}`);
    const ticket = await eventually(() => this.s.app.deps.tickets.findTicketByMessage('slack', `${CHANNEL}:${ts}`));
    return { ticketId: ticket.id, threadTs: ts };
  }

  private async click(thread: ChatThread, who: ChatUser, actionId: string): Promise<void> {
    const { threadTs } = thread as SlackThread;
    const card = (await this.cardCall(thread))?.response.ts as string | undefined;
    await this.s.post(
      blockAction({
        actionId,
        value: String(thread.ticketId),
        userId: this.user(who),
        channelId: CHANNEL,
        messageTs: card ?? threadTs,
        threadTs,
        responseUrl: this.s.fake.responseUrl('click'),
      }),
    );
  }

  claim(thread: ChatThread, who: ChatUser) {
    return this.click(thread, who, ACTION.claim);
  }

  close(thread: ChatThread, who: ChatUser) {
    return this.click(thread, who, ACTION.close);
  }

  async reply(thread: ChatThread, who: ChatUser, text: string): Promise<void> {
    const { threadTs } = thread as SlackThread;
    const ts = this.s.fake.addMessage(CHANNEL, { user: this.user(who), text, thread_ts: threadTs });
    await this.s.post(
      eventCallback({ type: 'message', channel: CHANNEL, channel_type: 'channel', user: this.user(who), text, ts, thread_ts: threadTs, event_ts: ts }),
    );
    await eventually(() => this.s.app.deps.tickets.findTicketByMessage('slack', `${CHANNEL}:${ts}`));
  }

  /** The card's first post (its ts is what chat.update targets). */
  private async cardCall(thread: ChatThread): Promise<SlackCall | undefined> {
    const { threadTs } = thread as SlackThread;
    return this.s.fake.callsTo('chat.postMessage').find((c) => c.args.thread_ts === threadTs && Array.isArray(c.args.blocks));
  }

  async cardText(thread: ChatThread): Promise<string> {
    const posted = await this.cardCall(thread);
    if (!posted) return '';
    const latest =
      this.s.fake
        .callsTo('chat.update')
        .filter((c) => c.args.ts === posted.response.ts)
        .at(-1) ?? posted;
    return JSON.stringify(latest.args.blocks);
  }

  async privateTo(who: ChatUser): Promise<string[]> {
    return this.s.fake
      .callsTo('chat.postEphemeral')
      .filter((c) => c.args.user === this.user(who))
      .map((c) => String(c.args.text));
  }

  async notificationsTo(who: ChatUser): Promise<string[]> {
    const id = this.user(who);
    return this.s.fake
      .callsTo('chat.postMessage')
      .filter((c) => c.args.channel === id || String(c.args.text ?? '').includes(`<@${id}>`))
      .map((c) => String(c.args.text));
  }

  idle() {
    return this.s.idle();
  }

  stop() {
    return this.s.close();
  }
}

chatAdapterContract('Slack', () => SlackHarness.start());
