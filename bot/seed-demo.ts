import type { TicketDeps } from '../core/tickets/deps.js';
import { intakeMessage } from '../core/tickets/intake-message.js';

const DEMO = [
  { id: 'demo-1', customer: 'demo-c1', name: '张女士', text: '我的订单 1234567890123456789 三天了还没发货，什么时候能发？' },
  { id: 'demo-2', customer: 'demo-c2', name: '李先生', text: '收到的杯子碎了，要求退货退款！' },
  { id: 'demo-3', customer: 'demo-c3', name: 'Emma', text: 'Hi, can I get a VAT invoice for order SO-20261123?' },
  { id: 'demo-4', customer: 'demo-c4', name: '王先生', text: '再不处理我就去12315投诉！第三次联系你们了' },
  { id: 'demo-5', customer: 'demo-c5', name: '赵女士', text: '请问这款羽绒服有没有XL码？' },
];

/** Creates a few demo tickets through the normal intake path (idempotent: run it twice, get the same tickets). */
export async function seedDemo(deps: TicketDeps): Promise<string> {
  const lines: string[] = [];
  for (const d of DEMO) {
    const { ticket, outcome } = await intakeMessage(deps, {
      platform: 'web',
      platformMessageId: d.id,
      author: { platformUserId: d.customer, name: d.name },
      text: d.text,
      channel: 'web',
    });
    lines.push(`${ticket.number} ${outcome.padEnd(9)} ${ticket.priority} ${ticket.category.padEnd(18)} ${ticket.title}`);
  }
  return lines.join('\n');
}
