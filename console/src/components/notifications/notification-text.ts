import type { Lang, MessageKey, Translate } from '../../i18n';
import type { AppNotification } from '../../types';

const KINDS = ['assigned', 'escalated', 'replied', 'clock_warned', 'clock_breached', 'province_escalated', 'hotspot_opened', 'hotspot_grown'];

/** The kind of a notification in words (分派, 预警…), or the kind itself when the console does not know it. */
export function kindLabel(t: Translate, kind: string): string {
  return KINDS.includes(kind) ? t(`notificationKind.${kind}` as MessageKey) : kind;
}

/**
 * What a notification says. The server writes its message in Chinese (with the reasons people
 * typed); in English the console says the same from the kind, the ticket and the clock.
 */
export function notificationText(t: Translate, lang: Lang, n: AppNotification): string {
  if (lang === 'zh' || !KINDS.includes(n.kind)) return n.message;
  const clock = typeof n.data?.clock === 'string' ? t(`clock.${n.data.clock}` as MessageKey) : '';
  const hotspot = typeof n.data?.hotspotId === 'number' ? n.data.hotspotId : '';
  return t(`notificationText.${n.kind}` as MessageKey, { id: n.ticketId ?? '', clock, hotspot });
}

/** Antd tag colour of a notification kind. */
export function kindColour(kind: string): string {
  if (kind === 'clock_breached' || kind === 'province_escalated' || kind === 'escalated') return 'red';
  if (kind === 'clock_warned') return 'orange';
  if (kind.startsWith('hotspot')) return 'volcano';
  if (kind === 'replied') return 'green';
  return 'blue';
}
