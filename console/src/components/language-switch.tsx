import { Segmented } from 'antd';
import { LANGS, useLang, useT, type Lang } from '../i18n';

/** 中文 | English, for places outside the user menu (the login page). */
export function LanguageSwitch() {
  const { lang, setLang } = useLang();
  const t = useT();
  return (
    <Segmented<Lang>
      value={lang}
      onChange={setLang}
      aria-label={t('lang.label')}
      data-testid="language-switch"
      options={LANGS.map((l) => ({
        value: l,
        label: <span data-testid={`lang-${l}`}>{t(l === 'zh' ? 'lang.zh' : 'lang.en')}</span>,
      }))}
    />
  );
}
