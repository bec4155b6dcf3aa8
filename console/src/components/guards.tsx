import type { ReactNode } from 'react';
import { Link, Navigate, useLocation } from 'react-router-dom';
import { Button, Flex, Result, Spin } from 'antd';
import { useT } from '../i18n';
import { canOpen, useMe, useSession } from '../session';
import { errorText } from '../errors';
import type { Area } from '../types';
import { homePath } from '../layout/nav';

/** Renders its children for a signed-in user; otherwise the login page (remembering where to return). */
export function RequireSession({ children }: { children: ReactNode }) {
  const { state, reload } = useSession();
  const location = useLocation();
  const t = useT();
  if (state.status === 'loading') {
    return (
      <Flex justify="center" align="center" style={{ minHeight: '100vh' }}>
        <Spin size="large" />
      </Flex>
    );
  }
  if (state.status === 'unreachable') {
    return (
      <Result
        status="warning"
        title={t('error.loadFailed')}
        subTitle={errorText(state.error, t)}
        extra={<Button type="primary" onClick={() => void reload()} data-testid="session-retry">{t('error.retry')}</Button>}
      />
    );
  }
  if (state.status === 'anonymous') {
    const here = location.pathname + location.search;
    const to = here === '/' || state.signedOut ? '/login' : `/login?next=${encodeURIComponent(here)}`;
    return <Navigate to={to} replace />;
  }
  return <>{children}</>;
}

/** Renders its children when the user's abilities open `area`, a 403 page otherwise. */
export function RequireArea({ area, children }: { area: Area; children: ReactNode }) {
  const me = useMe();
  return canOpen(me, area) ? <>{children}</> : <Forbidden />;
}

/** `/`: the first area this user may open. */
export function HomeRedirect() {
  const me = useMe();
  const t = useT();
  const home = homePath(me);
  if (home) return <Navigate to={home} replace />;
  return <Result status="403" title={t('error.forbiddenTitle')} subTitle={t('error.noAreas')} data-testid="no-areas" />;
}

export function Forbidden() {
  const t = useT();
  return (
    <Result
      status="403"
      title={t('error.forbiddenTitle')}
      subTitle={t('error.forbiddenText')}
      extra={<Link to="/"><Button type="primary">{t('error.backHome')}</Button></Link>}
      data-testid="forbidden"
    />
  );
}
