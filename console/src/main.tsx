import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import { LanguageProvider, useLang } from './i18n';
import { preloadSession, SessionProvider } from './session';
import { AppRoutes, preloadPage } from './app';

/** antd follows the chosen language: its own texts (pagination, date pickers, empty lists). */
function Root() {
  const { lang } = useLang();
  return (
    <ConfigProvider locale={lang === 'zh' ? zhCN : enUS} theme={{ token: { colorPrimary: '#1677ff', borderRadius: 6 } }}>
      <AntApp>
        <BrowserRouter>
          <SessionProvider>
            <AppRoutes />
          </SessionProvider>
        </BrowserRouter>
      </AntApp>
    </ConfigProvider>
  );
}

preloadSession();
preloadPage(window.location.pathname);

const container = document.getElementById('root');
if (!container) throw new Error('index.html lacks <div id="root">');
createRoot(container).render(
  <StrictMode>
    <LanguageProvider>
      <Root />
    </LanguageProvider>
  </StrictMode>,
);
