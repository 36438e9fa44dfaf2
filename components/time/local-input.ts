/*
 * `<input type="datetime-local">` speaks local wall-clock time without a zone; the API speaks ISO
 * 8601 instants. Pure helpers, safe in client components.
 */

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** An instant as a datetime-local value in this browser's zone, to the second. */
export function localInputValue(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/**
 * A datetime-local value (read as local time) as an ISO instant, or null when incomplete. A value
 * to the minute or second means the end of that minute or second (`…:59.999`), so that "as of
 * 14:30" includes what happened during 14:30.
 */
export function instantOfLocalInput(value: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(value.trim());
  if (!match) return null;
  const [, y, mo, d, h, mi, s, ms] = match;
  const date = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), s === undefined ? 59 : Number(s), ms === undefined ? 999 : Number(ms.padEnd(3, "0")));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
