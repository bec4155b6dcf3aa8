import { useEffect, useState } from 'react';
import dayjs from 'dayjs';
import type { Translate } from '../../i18n';

const listeners = new Set<(now: number) => void>();
let timer: ReturnType<typeof setInterval> | null = null;

/**
 * The current time, refreshed every `everyMs` (default 30 s) by one shared timer, so countdowns
 * move without re-loading data (and every countdown on a page ticks together).
 */
export function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    listeners.add(setNow);
    if (!timer) timer = setInterval(() => { const n = Date.now(); for (const l of listeners) l(n); }, 30_000);
    return () => {
      listeners.delete(setNow);
      if (listeners.size === 0 && timer) { clearInterval(timer); timer = null; }
    };
  }, []);
  return now;
}

/** A span as "2天3小时", "3小时15分", "12分钟" (en: "2d 3h", "3h 15m"); `days: false` counts hours only ("48小时"). */
export function formatSpan(ms: number, t: Translate, opts: { days?: boolean } = {}): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  if (minutes < 1) return t('time.lessThanMinute');
  const d = opts.days === false ? 0 : Math.floor(minutes / 1440);
  const h = Math.floor((minutes - d * 1440) / 60);
  const m = minutes % 60;
  if (d > 0) return h > 0 ? t('time.daysHours', { d, h }) : t('time.days', { d });
  if (h > 0) return m > 0 ? t('time.hoursMinutes', { h, m }) : t('time.hours', { h });
  return t('time.minutes', { m });
}

/** "剩余 3小时15分" before the due time, "超时 2小时" after it. */
export function countdownText(dueAt: string | null | undefined, now: number, t: Translate): string {
  if (!dueAt) return '';
  const left = dayjs(dueAt).valueOf() - now;
  return left >= 0 ? t('time.left', { span: formatSpan(left, t) }) : t('time.overdueBy', { span: formatSpan(left, t) });
}

/** A due time, short: "11-25 09:45" this year, with the year otherwise. */
export function shortTime(at: string | null | undefined): string {
  if (!at) return '';
  const d = dayjs(at);
  if (!d.isValid()) return String(at);
  return d.year() === dayjs().year() ? d.format('MM-DD HH:mm') : d.format('YYYY-MM-DD HH:mm');
}
