import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { zh, type Dictionary, type MessageKey } from './zh';
import { en } from './en';
import { LANG_STORAGE_KEY, storedLang, type Lang } from '../lang';

export type { MessageKey } from './zh';

export type { Lang } from '../lang';
export const LANGS: readonly Lang[] = ['zh', 'en'];

const dictionaries: Record<Lang, Dictionary> = { zh, en };

/** Values for `{name}` placeholders in a text. */
export type Vars = Record<string, string | number>;
/** Looks a text up in the current language and fills its placeholders. */
export type Translate = (key: MessageKey, vars?: Vars) => string;

/** The text of `key` in `lang`, with `{name}` placeholders replaced from `vars`. */
export function translate(lang: Lang, key: MessageKey, vars?: Vars): string {
  const text = dictionaries[lang][key] ?? zh[key] ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

// The language outside React, for the API client's Accept-Language header.
let activeLang: Lang = typeof window === 'undefined' ? 'zh' : storedLang();
/** The language the console shows now. */
export function currentLang(): Lang {
  return activeLang;
}

interface LangContextValue {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: Translate;
}

const LangContext = createContext<LangContextValue | null>(null);

/** Holds the chosen language, persists it in localStorage and keeps `<html lang>` and dayjs in step. */
export function LanguageProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(activeLang);

  const setLang = useCallback((next: Lang) => {
    activeLang = next;
    setLangState(next);
    try {
      window.localStorage.setItem(LANG_STORAGE_KEY, next);
    } catch {
      // storage disabled: the choice lasts for this page only
    }
  }, []);

  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = `${translate(lang, 'app.name')} · ${translate(lang, 'app.title')}`;
    dayjs.locale(lang === 'zh' ? 'zh-cn' : 'en');
  }, [lang]);

  const value = useMemo<LangContextValue>(
    () => ({ lang, setLang, t: (key, vars) => translate(lang, key, vars) }),
    [lang, setLang],
  );
  return <LangContext.Provider value={value}>{children}</LangContext.Provider>;
}

function useLangContext(): LangContextValue {
  const ctx = useContext(LangContext);
  if (!ctx) throw new Error('useT and useLang need a <LanguageProvider> above them');
  return ctx;
}

/** The translate function of the current language. */
export function useT(): Translate {
  return useLangContext().t;
}

/** The current language and the way to change it. */
export function useLang(): { lang: Lang; setLang: (lang: Lang) => void } {
  const { lang, setLang } = useLangContext();
  return { lang, setLang };
}
