import type { MessageKey, Translate } from '../../i18n';
import { zh } from '../../i18n/zh';

/**
 * The complaint categories seeded by the server (DESIGN §2; server/src/tickets/categories.ts):
 * a two-level tree. There is no categories endpoint yet, so the console carries the seeded
 * tree; a category the server knows and this list does not shows its id.
 */
export interface CategoryNode {
  id: string;
  isNetwork: boolean;
  children: { id: string; isNetwork: boolean }[];
}

export const CATEGORY_TREE: readonly CategoryNode[] = [
  {
    id: 'network', isNetwork: true,
    children: [
      'network.no_coverage', 'network.weak_indoor_coverage', 'network.call_drop', 'network.call_setup_failure',
      'network.voice_quality', 'network.slow_data', 'network.no_data', 'network.sms_failure',
    ].map((id) => ({ id, isNetwork: true })),
  },
  { id: 'billing', isNetwork: false, children: ['billing.overcharge', 'billing.package'].map((id) => ({ id, isNetwork: false })) },
  { id: 'service', isNetwork: false, children: ['service.attitude', 'service.store'].map((id) => ({ id, isNetwork: false })) },
  { id: 'vas', isNetwork: false, children: [{ id: 'vas.unwanted_subscription', isNetwork: false }] },
];

/** True for a category that goes to the NOC (the server's rule: `network.*`). */
export const isNetworkCategory = (id: string | null | undefined): boolean => !!id && (id === 'network' || id.startsWith('network.'));

/** The name of a category in the current language, or its id when the console does not know it. */
export function categoryLabel(t: Translate, id: string | null | undefined): string {
  if (!id) return '';
  const key = `category.${id}`;
  return key in zh ? t(key as MessageKey) : id;
}

/** "网络质量 / 掉话": the parent and the category. */
export function categoryPath(t: Translate, id: string | null | undefined): string {
  if (!id) return '';
  const parent = id.includes('.') ? id.slice(0, id.indexOf('.')) : null;
  return parent ? `${categoryLabel(t, parent)} / ${categoryLabel(t, id)}` : categoryLabel(t, id);
}

/** Options for antd's Cascader (two levels) and for flat Selects. */
export function categoryCascaderOptions(t: Translate) {
  return CATEGORY_TREE.map((p) => ({
    value: p.id,
    label: categoryLabel(t, p.id),
    children: p.children.map((c) => ({ value: c.id, label: categoryLabel(t, c.id) })),
  }));
}

/** Grouped options for a Select of leaf categories (searchable by either level's name). */
export function categorySelectOptions(t: Translate) {
  return CATEGORY_TREE.map((p) => ({
    label: categoryLabel(t, p.id),
    title: p.id,
    options: p.children.map((c) => ({ value: c.id, label: categoryLabel(t, c.id), search: `${categoryLabel(t, p.id)} ${categoryLabel(t, c.id)} ${c.id}` })),
  }));
}
