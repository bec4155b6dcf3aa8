import type { Q } from '../db/types.ts';

/** Frozen: migration 0003 inserts exactly these (add new ones by a later migration or the admin API).
 * The seeded complaint categories of DESIGN §2: a two-level tree; `isNetwork` goes to the NOC and counts in complaint rates. */
export const SEED_CATEGORIES: { id: string; parentId: string | null; nameZh: string; nameEn: string; isNetwork: boolean }[] = [
  { id: 'network', parentId: null, nameZh: '网络质量', nameEn: 'Network', isNetwork: true },
  { id: 'network.no_coverage', parentId: 'network', nameZh: '无覆盖', nameEn: 'No coverage', isNetwork: true },
  { id: 'network.weak_indoor_coverage', parentId: 'network', nameZh: '室内覆盖弱', nameEn: 'Weak indoor coverage', isNetwork: true },
  { id: 'network.call_drop', parentId: 'network', nameZh: '掉话', nameEn: 'Call drop', isNetwork: true },
  { id: 'network.call_setup_failure', parentId: 'network', nameZh: '呼叫建立失败', nameEn: 'Call setup failure', isNetwork: true },
  { id: 'network.voice_quality', parentId: 'network', nameZh: '通话质量差', nameEn: 'Poor voice quality', isNetwork: true },
  { id: 'network.slow_data', parentId: 'network', nameZh: '上网慢', nameEn: 'Slow data', isNetwork: true },
  { id: 'network.no_data', parentId: 'network', nameZh: '无法上网', nameEn: 'No data', isNetwork: true },
  { id: 'network.sms_failure', parentId: 'network', nameZh: '短信收发失败', nameEn: 'SMS failure', isNetwork: true },
  { id: 'billing', parentId: null, nameZh: '计费', nameEn: 'Billing', isNetwork: false },
  { id: 'billing.overcharge', parentId: 'billing', nameZh: '多收费', nameEn: 'Overcharge', isNetwork: false },
  { id: 'billing.package', parentId: 'billing', nameZh: '套餐问题', nameEn: 'Package', isNetwork: false },
  { id: 'service', parentId: null, nameZh: '服务', nameEn: 'Service', isNetwork: false },
  { id: 'service.attitude', parentId: 'service', nameZh: '服务态度', nameEn: 'Staff attitude', isNetwork: false },
  { id: 'service.store', parentId: 'service', nameZh: '营业厅服务', nameEn: 'Store service', isNetwork: false },
  { id: 'vas', parentId: null, nameZh: '增值业务', nameEn: 'Value-added services', isNetwork: false },
  { id: 'vas.unwanted_subscription', parentId: 'vas', nameZh: '误订购', nameEn: 'Unwanted subscription', isNetwork: false },
];

export interface Category { id: string; parentId: string | null; nameZh: string; nameEn: string; isNetwork: boolean; active: boolean }

let cache: Map<string, Category> | null = null;

/**
 * All categories by id. Only migrations write the category table (0003 seeds it; a new category
 * comes with a new migration, applied before the server serves), so the list is read once per
 * process: intake and hotspot detection ask for it on every ticket, inside transactions.
 * The `now` parameter is kept for callers; it no longer matters.
 */
export async function categoriesById(db: Q, _now?: number): Promise<Map<string, Category>> {
  if (cache) return cache;
  const rows = await db.selectFrom('category').selectAll().execute();
  cache = new Map(rows.map((r) => [r.id, { ...r, isNetwork: !!r.isNetwork, active: !!r.active }]));
  return cache;
}

/** Forget the list (a future admin edit of categories must call this). */
export function invalidateCategories(): void { cache = null; }
