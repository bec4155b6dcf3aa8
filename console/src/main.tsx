// first: starts GET /auth/me and the page's data before the modules below are evaluated
import './boot';
import { StrictMode, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import 'antd/dist/antd.css';
import { LanguageProvider, useLang } from './i18n';
import { SessionProvider } from './session';
import { closeEarly, earlySettled, earlySignedIn } from './early';
import { loadRegions } from './reference-data';
import { loadDepartments } from './components/tickets/departments';
import { AppRoutes, preloadPage } from './app';

/**
 * antd follows the chosen language: its own texts (pagination, date pickers, empty lists). Its
 * component styles come built (antd/dist/antd.css, `zeroRuntime`) instead of being generated in
 * the browser on every page load (a fifth of a page's scripting). The tokens below are antd's
 * defaults, which antd.css is built with: other tokens would need a style sheet built for them.
 */
function Root() {
  const { lang } = useLang();
  return (
    <ConfigProvider locale={lang === 'zh' ? zhCN : enUS} theme={{ zeroRuntime: true, token: { colorPrimary: '#1677ff', borderRadius: 6 } }}>
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

/** Drops the early answers nobody took once the first page has rendered (its requests have left by then). */
function EarlyDone() {
  useEffect(() => closeEarly(), []);
  return null;
}

/** How long the first render waits for the opened page's chunk at most (a slow network shows the spinner). */
const PAGE_WAIT_MS = 1500;
/**
 * How long the first render waits for the early answers at most, once the scripts have run: they
 * have usually come by then; a slow server shows the frame and the page's loading state instead.
 */
const DATA_WAIT_MS = 300;

const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const page = Promise.race([preloadPage(window.location.pathname), wait(PAGE_WAIT_MS)]);
// the early answers, and the reference data taken from them
const data = Promise.race([
  earlySettled().then(async () => {
    const me = earlySignedIn();
    if (me) await Promise.all([loadRegions(), loadDepartments(me.user.username)]).catch(() => {});
  }),
  wait(DATA_WAIT_MS),
]);

const container = document.getElementById('root');
if (!container) throw new Error('index.html lacks <div id="root">');
const root = createRoot(container);
// The first render waits for the page's chunk (already named in index.html, so usually loaded):
// rendered before it, the route suspends, and React 19 then holds the page back for up to 300 ms
// after its fallback showed, although the chunk arrives a few milliseconds later. It also waits
// for the early requests (early.ts: who is signed in, the reference data, the page's data), which
// have usually answered while the scripts ran: the page then renders once, whole, instead of a
// spinner, the frame, and the data in three renders.
void Promise.all([page, data]).then(() =>
  root.render(
    <StrictMode>
      <LanguageProvider>
        <Root />
        <EarlyDone />
      </LanguageProvider>
    </StrictMode>,
  ),
);
