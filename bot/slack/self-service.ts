// Self-service in Slack: a customer's question to @ticketbot is answered from the knowledge base when
// retrieval is confident (in the question's thread, with "solved" and "talk to a person"); otherwise, or
// when they ask for a person or write on under the answer, it is filed as a ticket linked to that
// thread, with its card.
import type { App } from '@slack/bolt';
import { AppError } from '../../core/errors.js';
import { detectLang, type Lang, t } from '../../core/i18n/translate.js';
import type { Ticket } from '../../core/tickets/types.js';
import { afterAck } from '../after-ack.js';
import { type Helpers, type InboundContext, messageId, type SlackMessage, teamOf, ZBlockAction } from './payloads.js';
import { ACTION, answerBlocks, answeredBlocks } from './render.js';

/** Files a channel message as a ticket linked to its thread (and posts the card); null when it cannot. */
export type FileMessage = (p: { workspaceId: string; channelId: string; message: SlackMessage; requestedBy: string }) => Promise<Ticket | null>;
/** Reads one channel message by ts (null: gone). */
export type FetchMessage = (channelId: string, ts: string) => Promise<SlackMessage | null>;

export interface SelfServiceQuestion {
  workspaceId: string;
  channelId: string;
  ts: string;
  user: string;
  text: string;
  files?: SlackMessage['files'];
}

export function registerSelfService(app: App, ctx: InboundContext, h: Helpers, io: { file: FileMessage; fetch: FetchMessage }) {
  const { deps, logger } = ctx;

  /** Files the asker's message as the thread's ticket; a question must never end unfiled. */
  async function file(workspaceId: string, channelId: string, message: SlackMessage & { user: string }): Promise<Ticket> {
    const ticket = await io.file({ workspaceId, channelId, message, requestedBy: message.user });
    if (!ticket) throw new AppError('INTERNAL', { message: `Slack message ${message.ts} could not be filed` });
    return ticket;
  }

  /** Files the question as asked (its files too), under the words the decision was taken on. */
  async function fileQuestion(p: { workspaceId: string; channelId: string; ts: string; user: string; question: string }): Promise<Ticket> {
    const asked = await io.fetch(p.channelId, p.ts).catch(() => null);
    return file(p.workspaceId, p.channelId, { ...(asked ?? {}), ts: p.ts, text: p.question, user: p.user });
  }

  for (const [actionId, helpful] of [
    [ACTION.answerSolved, true],
    [ACTION.answerHuman, false],
  ] as const) {
    app.action(actionId, async ({ ack, body }) => {
      await ack();
      await afterAck();
      const a = ZBlockAction.parse(body);
      const [id = '', code = ''] = (a.actions[0]?.value ?? '').split(':');
      const lang: Lang = code === 'en' ? 'en' : 'zh';
      const channelId = a.channel?.id ?? a.container?.channel_id ?? '';
      const answerTs = a.message?.ts ?? a.container?.message_ts ?? '';
      const questionTs = a.message?.thread_ts ?? a.container?.thread_ts ?? answerTs;
      try {
        if (!deps.answers) throw AppError.user('INVALID_INPUT', 'error.invalidInput', { details: 'answers' });
        const { ticket } = await deps.answers.feedback({ logId: Number(id), helpful, customerId: a.user.id, platform: 'slack' }, (question) =>
          fileQuestion({ workspaceId: teamOf(body), channelId, ts: questionTs, user: a.user.id, question }),
        );
        const outcome = ticket ? t(lang, 'answer.ticketOpened', { number: ticket.number }) : t(lang, 'answer.solved');
        await ctx.client.chat.update({ channel: channelId, ts: answerTs, text: outcome, blocks: answeredBlocks(a.message?.blocks ?? [], outcome) as never });
      } catch (error) {
        // The feedback of someone who did not ask is refused without saying whose question it is.
        const refusal = error instanceof AppError && error.code === 'INVALID_INPUT' ? AppError.user('NOT_PERMITTED', 'slack.notYourQuestion') : error;
        await h.refuse(refusal, { channel: channelId, user: a.user.id, threadTs: questionTs }, lang);
      }
    });
  }

  /** Answers a customer's question from the FAQ when confident, else files it. False: self-service is off here. */
  async function ask(q: SelfServiceQuestion): Promise<boolean> {
    if (!deps.answers) return false;
    const fileIt = () => file(q.workspaceId, q.channelId, { ts: q.ts, text: q.text, user: q.user, files: q.files });
    const result = await deps.answers.ask({ question: q.text, platform: 'slack', customerId: q.user, messageId: messageId(q.channelId, q.ts) }, fileIt);
    if (!result.answered || result.repeated) return true; // filed (with its card), or decided on an earlier delivery
    const { text, blocks } = answerBlocks(result.answer, result.logId, detectLang(q.text));
    try {
      await ctx.client.chat.postMessage({ channel: q.channelId, thread_ts: q.ts, text, blocks: blocks as never });
    } catch (error) {
      // The customer would hear nothing: file the question instead, so that a person answers it.
      logger.warn({ err: error, channel: q.channelId, ts: q.ts }, 'could not post an automatic answer; filing the question as a ticket');
      await fileIt();
    }
    return true;
  }

  /**
   * A message in a thread without a ticket: if the thread is the writer's own question that the bot
   * answered, whatever they write on (a follow-up, "that is not it") goes to a person: the question is
   * filed as the thread's ticket. Returns that ticket, or null when the thread is not such a question.
   */
  async function fileAnsweredThread(p: { workspaceId: string; channelId: string; threadTs: string; user: string }): Promise<Ticket | null> {
    const decision = await deps.answers?.decisionFor('slack', messageId(p.channelId, p.threadTs));
    if (!decision?.answered || decision.customerRef !== p.user) return null;
    return fileQuestion({ ...p, ts: p.threadTs, question: decision.question });
  }

  return { ask, fileAnsweredThread };
}
