import { parseArgs } from 'node:util';
import { AppError } from '../core/errors.js';
import { t } from '../core/i18n/translate.js';
import { displayZone } from '../core/sla/clock.js';
import { formatDuration } from '../core/sla/duration.js';
import { CLOCK_LABEL, type SlaRow, slaReport } from '../core/sla/sla-report.js';
import { formatLocalTime } from '../core/sla/time-zone.js';
import type { App } from './app.js';
import { withApp } from './with-app.js';

export const SLA_HELP = `  ticketbot sla status [--team ID] [--json] [--lang zh|en]
                                  tickets at risk (past the warning share) and breached, by deadline`;

function row(app: App, r: SlaRow, now: Date, lang: 'zh' | 'en') {
  return {
    number: r.ticket.number,
    priority: r.ticket.priority,
    state: r.state,
    clock: r.clock,
    due: formatLocalTime(r.dueAt, displayZone(app.config, r.ticket.teamId)),
    overdue: r.dueAt.getTime() <= now.getTime() ? formatDuration(now.getTime() - r.dueAt.getTime()) : null,
    left: r.dueAt.getTime() > now.getTime() ? formatDuration(r.dueAt.getTime() - now.getTime()) : null,
    assignee: r.ticket.assigneeId,
    team: r.ticket.teamId,
    title: r.ticket.title,
    label: `${t(lang, r.state === 'breached' ? 'sla.breached' : 'sla.atRisk')} · ${t(lang, CLOCK_LABEL[r.clock])}`,
  };
}

/** `ticketbot sla status`: the SLA report for operators and scripts. */
export async function slaCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { team: { type: 'string' }, json: { type: 'boolean', default: false }, lang: { type: 'string', default: 'zh' } },
  });
  if (positionals[0] !== 'status') throw new AppError('INVALID_INPUT', { message: `usage:\n${SLA_HELP}` });
  const lang = values.lang === 'en' ? 'en' : 'zh';
  await withApp(async (app) => {
    const now = app.deps.clock();
    const report = await slaReport(app.deps, { teamId: values.team });
    const rows = [...report.breached, ...report.atRisk].map((r) => row(app, r, now, lang));
    if (values.json) {
      console.log(JSON.stringify({ breached: report.breached.length, at_risk: report.atRisk.length, tickets: rows.map(({ label, ...rest }) => rest) }));
      return;
    }
    console.log(t(lang, rows.length ? 'reply.slaHeader' : 'reply.slaNone', { breached: report.breached.length, atRisk: report.atRisk.length }));
    for (const r of rows) {
      const when = r.overdue ? `-${r.overdue}` : `+${r.left}`;
      console.log(`${r.number}  ${r.priority}  ${r.label.padEnd(14)} ${r.due} (${when})  ${(r.assignee ?? '-').padEnd(8)} ${r.title}`);
    }
  });
}
