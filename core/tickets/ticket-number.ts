/** Human ticket numbers: T-000123 ↔ id 123. Wider ids just grow (T-1234567). */
export function formatTicketNumber(id: number): string {
  return `T-${String(id).padStart(6, '0')}`;
}

/** The largest id a 32-bit integer column holds: ticket ids, auto-answer log ids. */
export const MAX_DB_ID = 2_147_483_647;

/** Parses `T-000123`, `t-123`, `#123` or `123`; returns null for anything else. */
export function parseTicketNumber(text: string): number | null {
  const m = /^(?:t-?|#)?(\d{1,12})$/i.exec(text.trim());
  if (!m?.[1]) return null;
  const id = Number(m[1]);
  // Ticket ids are 32-bit integers in the database: anything larger cannot exist.
  return Number.isSafeInteger(id) && id > 0 && id <= MAX_DB_ID ? id : null;
}

export const TICKET_NUMBER_PATTERN = /\b[Tt]-?\d{1,12}\b/;
