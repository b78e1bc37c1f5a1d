import { z } from 'zod';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const PART = /(\d+(?:\.\d+)?)([smhd])/g;

/** Parses "30m", "4h", "1h30m", "2d", "45s" to milliseconds; null when the text is not a duration. */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim();
  if (!/^(?:\d+(?:\.\d+)?[smhd])+$/.test(trimmed)) return null;
  let ms = 0;
  for (const [, value, unit] of trimmed.matchAll(PART)) ms += Number(value) * UNIT_MS[unit as keyof typeof UNIT_MS];
  return ms > 0 ? ms : null;
}

/** A duration in config: a string such as "30m", "4h", "1h30m", "3d", or a number of minutes. Parsed to milliseconds. */
export const ZDuration = z.union([z.number().positive(), z.string()]).transform((value, ctx) => {
  if (typeof value === 'number') return value * UNIT_MS.m;
  const ms = parseDuration(value);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration (use e.g. 30m, 4h, 1h30m, 2d, or a number of minutes)` });
    return z.NEVER;
  }
  return ms;
});

const UNITS = {
  en: { d: 'd', h: 'h', m: 'm', s: 's', join: ' ' },
  zh: { d: '天', h: '小时', m: '分钟', s: '秒', join: '' },
} as const;

/** Renders milliseconds for people: "2h 30m", "3d 4h", "45s"; in Chinese "2小时30分钟", "3天4小时", "45秒". */
export function formatDuration(ms: number, lang: 'zh' | 'en' = 'en'): string {
  const u = UNITS[lang];
  const abs = Math.abs(ms);
  const seconds = Math.round(abs / 1000);
  if (seconds < 60) return `${seconds}${u.s}`;
  const minutes = Math.round(abs / 60_000);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  return [d ? `${d}${u.d}` : '', h ? `${h}${u.h}` : '', m && !d ? `${m}${u.m}` : ''].filter(Boolean).join(u.join) || `0${u.m}`;
}
