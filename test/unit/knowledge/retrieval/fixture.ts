import type { KbEntry } from '../../../../knowledge/retrieval/hybrid-retriever.js';

/** A tiny, self-written shop FAQ (zh + en). */
export const FAQ: KbEntry[] = [
  { id: 'refund-time', texts: ['退款多久能到账', '退款什么时候到账', 'How long does a refund take?'] },
  { id: 'change-address', texts: ['下单后怎么修改收货地址', '地址填错了能改吗', 'How do I change my delivery address?'] },
  { id: 'invoice', texts: ['怎么开发票', '可以开增值税专用发票吗', 'Can I get an invoice?'] },
  { id: 'shipping-time', texts: ['什么时候发货', '下单后几天发货', 'When will my order ship?'] },
  { id: 'cancel-order', texts: ['怎么取消订单', '订单还没发货可以取消吗', 'How do I cancel my order?'] },
  { id: 'coupon', texts: ['优惠券怎么用', '优惠券为什么用不了', 'Why can I not use my coupon?'] },
  { id: 'size-guide', texts: ['尺码怎么选', '鞋子偏大还是偏小', 'Which size should I choose?'] },
  { id: 'warranty', texts: ['保修期多久', '坏了可以保修吗', 'How long is the warranty?'] },
];

export const FAQ_TEXTS = FAQ.flatMap((e) => e.texts);
