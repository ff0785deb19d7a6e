/** Every formatter the renderer uses, so a date or a count reads the same on every screen. */
import { DAY_MS } from '../../../shared/time';

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatAbsolute(iso: string): string {
  return absolute.format(new Date(iso));
}

export function formatRelative(iso: string, now: number): string {
  const diff = Date.parse(iso) - now;
  const abs = Math.abs(diff);
  if (abs < 60_000) return 'just now';
  if (abs < 3_600_000) return relative.format(Math.round(diff / 60_000), 'minute');
  if (abs < DAY_MS) return relative.format(Math.round(diff / 3_600_000), 'hour');
  // Days up to two months: "in 30 days" says more than "next month".
  if (abs < 60 * DAY_MS) return relative.format(Math.round(diff / DAY_MS), 'day');
  if (abs < 365 * DAY_MS) return relative.format(Math.round(diff / (30 * DAY_MS)), 'month');
  return relative.format(Math.round(diff / (365 * DAY_MS)), 'year');
}

const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** A moment in few characters: the time if it is within the day, else the date. */
export function formatShort(iso: string, now: number): string {
  const at = Date.parse(iso);
  return Math.abs(at - now) < DAY_MS / 2 ? timeOnly.format(at) : dateOnly.format(at);
}

/** "1 place", "12 places". */
export function placesWord(count: number): string {
  return count === 1 ? '1 place' : `${count.toLocaleString()} places`;
}

export function placesLabel(count: number): string {
  return `Used in ${placesWord(count)}`;
}

/** A grace period in words: "1 hour", "90 minutes", "2 days". */
export function durationWords(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  if (minutes % (24 * 60) === 0) {
    const days = minutes / (24 * 60);
    return days === 1 ? '1 day' : `${days} days`;
  }
  if (minutes % 60 === 0) {
    const hours = minutes / 60;
    return hours === 1 ? '1 hour' : `${hours} hours`;
  }
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}
