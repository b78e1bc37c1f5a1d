// Calendars and helpers shared by the business-hours tests (business-hours.test.ts, business-hours-dst.test.ts).
import type { z } from 'zod';
import { addBusinessTime, type BusinessCalendar, businessTimeBetween, isBusinessTime, ZBusinessCalendar } from '../../../../core/sla/business-hours.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const EVERY_DAY = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export const calendar = (input: z.input<typeof ZBusinessCalendar>): BusinessCalendar => ZBusinessCalendar.parse(input);
export const add = (cal: BusinessCalendar | null, start: string, ms: number) => addBusinessTime(cal, new Date(start), ms);
export const between = (cal: BusinessCalendar | null, from: string, to: string) => businessTimeBetween(cal, new Date(from), new Date(to));
export const open = (cal: BusinessCalendar | null, at: string) => isBusinessTime(cal, new Date(at));

export const newYork = calendar({ timezone: 'America/New_York' });
export const newYorkAllDay = calendar({ timezone: 'America/New_York', days: [...EVERY_DAY], hours: [{ from: '00:00', to: '24:00' }] });
export const berlin = calendar({ timezone: 'Europe/Berlin' });
export const berlinAllDay = calendar({ timezone: 'Europe/Berlin', days: [...EVERY_DAY], hours: [{ from: '00:00', to: '24:00' }] });
export const sundays = (timezone: string, from: string, to: string) => calendar({ timezone, days: ['sun'], hours: [{ from, to }] });
