import dayjs from 'dayjs';
import type { Instant } from './types';

/** A server time (ISO 8601 text or epoch ms) as local `YYYY-MM-DD HH:mm:ss`; empty for none. */
export function formatTime(at: Instant | null | undefined): string {
  if (at === null || at === undefined || at === '') return '';
  const d = dayjs(at);
  return d.isValid() ? d.format('YYYY-MM-DD HH:mm:ss') : String(at);
}

/** Details of an audit entry or error as compact text. */
export function formatDetails(details: unknown): string {
  if (details === null || details === undefined || details === '') return '';
  if (typeof details === 'string') return details;
  try {
    return JSON.stringify(details);
  } catch {
    return String(details);
  }
}
