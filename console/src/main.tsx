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

/** How long the first render waits for the opened page's chunk at most (a slow network shows the spinner). */
const PAGE_WAIT_MS = 1500;

preloadSession();
const page = preloadPage(window.location.pathname);

const container = document.getElementById('root');
if (!container) throw new Error('index.html lacks <div id="root">');
const root = createRoot(container);
// The first render waits for the page's chunk (already named in index.html, so usually loaded):
// rendered before it, the route suspends, and React 19 then holds the page back for up to 300 ms
// after its fallback showed, although the chunk arrives a few milliseconds later. `GET /auth/me`
// is already on its way meanwhile.
void Promise.race([page, new Promise((r) => setTimeout(r, PAGE_WAIT_MS))]).then(() =>
  root.render(
    <StrictMode>
      <LanguageProvider>
        <Root />
      </LanguageProvider>
    </StrictMode>,
  ),
);
