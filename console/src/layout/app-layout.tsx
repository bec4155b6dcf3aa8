import { Suspense, useEffect, useMemo, useState } from 'react';
import { Outlet, useLocation, useNavigate, useSearchParams } from 'react-router-dom';
import { Avatar, Button, Dropdown, Flex, Input, Layout, Menu, Spin, Typography, theme, type MenuProps } from 'antd';
import {
  CheckOutlined, LogoutOutlined, MenuFoldOutlined, MenuUnfoldOutlined, SearchOutlined, UserOutlined,
} from '@ant-design/icons';
import { useLang, useT, type Lang } from '../i18n';
import { canOpen, useMe, useSession } from '../session';
import { regionName, useRegions } from '../reference-data';
import { useShowError } from '../errors';
import { api, type Page } from '../api';
import type { Ticket } from '../types';
import { navKeyOf, visibleNav } from './nav';
import { NotificationBell } from '../components/notifications/bell';
import { CONTENT_PADDING, ContentWidth, SIDER_COLLAPSED_WIDTH, SIDER_WIDTH, useWindowWidth } from './content-width';

const { Sider, Header, Content } = Layout;

/** The signed-in frame: left menu of the user's areas, top bar with search and user menu. */
export function AppLayout() {
  const me = useMe();
  const t = useT();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const { token } = theme.useToken();
  const [collapsed, setCollapsed] = useState(false);
  const [openKeys, setOpenKeys] = useState<string[]>(['/admin']);

  const nav = useMemo(() => visibleNav(me), [me]);
  const items: MenuProps['items'] = nav.map((n) => ({
    key: n.path,
    icon: n.icon,
    label: <span data-testid={n.testId}>{t(n.label)}</span>,
    children: n.children?.map((c) => ({
      key: c.path,
      label: <span data-testid={c.testId}>{t(c.label)}</span>,
    })),
  }));
  const selected = navKeyOf(pathname);
  const contentWidth = useWindowWidth() - (collapsed ? SIDER_COLLAPSED_WIDTH : SIDER_WIDTH) - 2 * CONTENT_PADDING;

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Sider
        width={SIDER_WIDTH}
        collapsedWidth={SIDER_COLLAPSED_WIDTH}
        collapsible
        collapsed={collapsed}
        onCollapse={setCollapsed}
        breakpoint="lg"
        trigger={null}
        style={{ position: 'sticky', top: 0, height: '100vh', overflow: 'auto' }}
      >
        <Flex align="center" gap={8} style={{ height: 56, padding: '0 18px', color: '#fff', overflow: 'hidden' }}>
          <Brand collapsed={collapsed} />
        </Flex>
        <Menu
          theme="dark"
          mode="inline"
          items={items}
          selectedKeys={selected ? [selected] : []}
          // Collapsed, the submenus pop out on hover; the inline open state survives for expanding.
          {...(collapsed ? {} : { openKeys, onOpenChange: setOpenKeys })}
          onClick={({ key }) => navigate(key)}
          data-testid="nav"
        />
      </Sider>
      <Layout style={{ minWidth: 0 }}>
        <Header
          style={{
            background: token.colorBgContainer,
            borderBottom: `1px solid ${token.colorBorderSecondary}`,
            padding: '0 16px',
            height: 56,
            lineHeight: '56px',
            position: 'sticky',
            top: 0,
            zIndex: 10,
          }}
        >
          <Flex align="center" gap={16} style={{ height: '100%' }}>
            <Button
              type="text"
              icon={collapsed ? <MenuUnfoldOutlined /> : <MenuFoldOutlined />}
              onClick={() => setCollapsed(!collapsed)}
              aria-label={collapsed ? t('nav.expand') : t('nav.collapse')}
              data-testid="nav-toggle"
            />
            <div style={{ flex: 1 }} />
            {canOpen(me, 'tickets') && <GlobalSearch />}
            <NotificationBell />
            <UserMenu />
          </Flex>
        </Header>
        <Content style={{ padding: CONTENT_PADDING, minWidth: 0 }}>
          <ContentWidth.Provider value={contentWidth}>
            <Suspense fallback={<PageLoading />}>
              <Outlet />
            </Suspense>
          </ContentWidth.Provider>
        </Content>
      </Layout>
    </Layout>
  );
}

function Brand({ collapsed }: { collapsed: boolean }) {
  const t = useT();
  return (
    <>
      <Avatar shape="square" size={28} style={{ background: '#1677ff', flex: 'none', fontWeight: 600 }}>
        N
      </Avatar>
      {!collapsed && (
        <Flex vertical style={{ lineHeight: 1.2, minWidth: 0 }}>
          <span style={{ fontWeight: 600, fontSize: 15 }}>{t('app.name')}</span>
          <span style={{ fontSize: 12, opacity: 0.65, whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}>
            {t('app.title')}
          </span>
        </Flex>
      )}
    </>
  );
}

/** Search by ticket id or phone number: Enter opens the ticket list with `?q=`. */
function GlobalSearch() {
  const t = useT();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const [params] = useSearchParams();
  const current = pathname === '/tickets' ? (params.get('q') ?? '') : '';
  const [value, setValue] = useState(current);
  useEffect(() => setValue(current), [current]);

  return (
    <Input
      type="search"
      value={value}
      onChange={(e) => setValue(e.target.value)}
      onPressEnter={() => {
        const q = value.trim().replace(/[\s-]/g, '');
        if (!q) return navigate('/tickets');
        // a ticket id that matches exactly one ticket opens it; anything else lists the matches
        const list = `/tickets?q=${encodeURIComponent(q)}`;
        if (!/^\d{1,12}$/.test(q)) return navigate(list);
        api.get<Page<Ticket>>('/api/v1/tickets', { q, limit: 2, order: 'newest' }).then(
          (page) => navigate(page.items.length === 1 && String(page.items[0].id) === q ? `/tickets/${q}` : list),
          () => navigate(list),
        );
      }}
      prefix={<SearchOutlined />}
      placeholder={t('header.searchPlaceholder')}
      aria-label={t('header.searchLabel')}
      style={{ width: 300 }}
      data-testid="global-search"
    />
  );
}

/** Name, role, region; language switch; sign out. */
function UserMenu() {
  const me = useMe();
  const t = useT();
  const { lang, setLang } = useLang();
  const { signOut } = useSession();
  const regions = useRegions();
  const showError = useShowError();
  const { token } = theme.useToken();
  const { user } = me;
  const name = user.displayName || user.username;

  const langItem = (l: Lang) => ({
    key: `lang-${l}`,
    icon: lang === l ? <CheckOutlined /> : <span style={{ display: 'inline-block', width: 14 }} />,
    label: <span data-testid={`lang-${l}`}>{t(l === 'zh' ? 'lang.zh' : 'lang.en')}</span>,
  });
  const items: MenuProps['items'] = [
    { type: 'group', key: 'lang', label: t('header.language'), children: [langItem('zh'), langItem('en')] },
    { type: 'divider' },
    { key: 'sign-out', icon: <LogoutOutlined />, danger: true, label: <span data-testid="sign-out">{t('header.signOut')}</span> },
  ];

  const onClick: MenuProps['onClick'] = ({ key }) => {
    if (key === 'lang-zh') setLang('zh');
    else if (key === 'lang-en') setLang('en');
    else if (key === 'sign-out') {
      // The session ends either way; the route guard then shows the login page.
      signOut().catch(showError);
    }
  };

  return (
    <Dropdown
      trigger={['click']}
      placement="bottomRight"
      menu={{ items, onClick }}
      popupRender={(menu) => (
        <div
          style={{
            background: token.colorBgElevated,
            borderRadius: token.borderRadiusLG,
            boxShadow: token.boxShadowSecondary,
            minWidth: 240,
          }}
        >
          <div data-testid="user-info" style={{ padding: '12px 16px', borderBottom: `1px solid ${token.colorSplit}` }}>
            <Typography.Text strong data-testid="user-name">{name}</Typography.Text>
            {user.displayName && <Typography.Text type="secondary"> ({user.username})</Typography.Text>}
            <div>
              <Typography.Text type="secondary">{t('common.labelled', { label: t('header.role') })}</Typography.Text>
              <span data-testid="user-role">{t(`role.${user.role}`)}</span>
            </div>
            <div>
              <Typography.Text type="secondary">{t('common.labelled', { label: t('header.region') })}</Typography.Text>
              <span data-testid="user-region">{regionName(regions, user.regionId)}</span>
            </div>
          </div>
          <div style={{ boxShadow: 'none' }}>{menu}</div>
        </div>
      )}
    >
      <Button type="text" data-testid="user-menu" aria-label={t('header.userMenu')} style={{ height: 40 }}>
        <Avatar size="small" icon={<UserOutlined />} style={{ background: token.colorPrimary }} />
        <span style={{ maxWidth: 160, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>{name}</span>
      </Button>
    </Dropdown>
  );
}

/** Shown while a lazily loaded page arrives. */
export function PageLoading() {
  return (
    <Flex justify="center" align="center" style={{ padding: 64 }}>
      <Spin />
    </Flex>
  );
}
