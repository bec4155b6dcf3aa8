/** The console's languages; Chinese is the default (DESIGN §9). */
export type Lang = 'zh' | 'en';

export const LANG_STORAGE_KEY = 'netcare.lang';

/** The language saved in this browser, or Chinese. */
export function storedLang(): Lang {
  try {
    const v = window.localStorage.getItem(LANG_STORAGE_KEY);
    return v === 'en' || v === 'zh' ? v : 'zh';
  } catch {
    return 'zh'; // storage disabled: stay with the default
  }
}
