import { useState } from 'react';
import { Button, Dropdown, Empty, Flex, Form, Input, Typography } from 'antd';
import { DeleteOutlined, DownOutlined, FilterOutlined, SaveOutlined } from '@ant-design/icons';
import { useT } from '../../i18n';
import { DropdownPanel } from '../../components/dropdown-panel';
import { FormModal } from '../../components/form-modal';
import { rules } from '../../components/rules';

/** One named filter set: the list's address query (`status=open&grade=important`…). */
export interface SavedFilter {
  name: string;
  query: string;
}

export const SAVED_FILTER_NAME_MAX = 40;
export const SAVED_FILTERS_MAX = 30;

/** Where a user's filter sets live: this browser's localStorage, one entry per user. */
export const savedFiltersKey = (username: string) => `netcare.tickets.filters.${username}`;

/** The saved filter sets of `username` in this browser (an unreadable entry counts as none). */
export function loadSavedFilters(username: string): SavedFilter[] {
  try {
    const raw = JSON.parse(window.localStorage.getItem(savedFiltersKey(username)) ?? '[]') as unknown;
    if (!Array.isArray(raw)) return [];
    return raw.filter((f): f is SavedFilter => !!f && typeof f.name === 'string' && typeof f.query === 'string');
  } catch {
    return [];
  }
}

/** Adds or replaces (same name) a filter set, newest first; at most SAVED_FILTERS_MAX are kept. */
export function withSaved(list: SavedFilter[], f: SavedFilter): SavedFilter[] {
  return [f, ...list.filter((x) => x.name !== f.name)].slice(0, SAVED_FILTERS_MAX);
}

function store(username: string, list: SavedFilter[]): void {
  try {
    window.localStorage.setItem(savedFiltersKey(username), JSON.stringify(list));
  } catch {
    // storage disabled or full: the list lasts for this page only
  }
}

/**
 * Named filter sets of the ticket list, per user, kept in this browser (localStorage: they do not
 * follow the user to another computer). Save the current filters under a name, apply one with a
 * click, delete one.
 */
export function SavedFilters({ username, current, onApply }: { username: string; current: string; onApply: (query: string) => void }) {
  const t = useT();
  const [list, setList] = useState<SavedFilter[]>(() => loadSavedFilters(username));
  const [open, setOpen] = useState(false);
  const [saving, setSaving] = useState(false);
  const update = (next: SavedFilter[]) => {
    setList(next);
    store(username, next);
  };
  const active = list.find((f) => f.query === current);

  return (
    <>
      <Dropdown
        open={open}
        onOpenChange={setOpen}
        trigger={['click']}
        popupRender={() => (
          <DropdownPanel minWidth={260} testId="saved-filters-menu">
            {list.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('savedFilters.none')} style={{ margin: '8px 0' }} />
            ) : (
              <Flex vertical gap={2}>
                {list.map((f, i) => (
                  <Flex key={f.name} align="center" justify="space-between" gap={8}>
                    <Button
                      type="text"
                      size="small"
                      style={{ flex: 1, justifyContent: 'flex-start', fontWeight: f === active ? 600 : undefined }}
                      onClick={() => {
                        setOpen(false);
                        onApply(f.query);
                      }}
                      data-testid={`saved-filter-apply-${i}`}
                    >
                      <Typography.Text ellipsis style={{ maxWidth: 200 }}>{f.name}</Typography.Text>
                    </Button>
                    <Button
                      type="text"
                      size="small"
                      danger
                      icon={<DeleteOutlined />}
                      onClick={() => update(list.filter((x) => x.name !== f.name))}
                      aria-label={t('savedFilters.delete', { name: f.name })}
                      title={t('savedFilters.delete', { name: f.name })}
                      data-testid={`saved-filter-delete-${i}`}
                    />
                  </Flex>
                ))}
              </Flex>
            )}
            <Button
              block
              size="small"
              icon={<SaveOutlined />}
              style={{ marginTop: 8 }}
              disabled={current === ''}
              onClick={() => {
                setOpen(false);
                setSaving(true);
              }}
              data-testid="saved-filters-save"
            >
              {t('savedFilters.save')}
            </Button>
          </DropdownPanel>
        )}
      >
        <Button icon={<FilterOutlined />} data-testid="saved-filters-button">
          {active ? active.name : t('savedFilters.title')} <DownOutlined />
        </Button>
      </Dropdown>
      <FormModal<{ name: string }>
        open={saving}
        title={t('savedFilters.saveTitle')}
        testId="saved-filter-form"
        onCancel={() => setSaving(false)}
        onSubmit={async (v) => {
          update(withSaved(list, { name: v.name.trim(), query: current }));
          setSaving(false);
        }}
      >
        <Typography.Paragraph type="secondary">{t('savedFilters.hint')}</Typography.Paragraph>
        <Form.Item
          label={t('savedFilters.name')}
          name="name"
          rules={[rules.required(t, t('savedFilters.name')), rules.max(t, t('savedFilters.name'), SAVED_FILTER_NAME_MAX)]}
          extra={list.length ? t('savedFilters.sameName') : undefined}
        >
          <Input autoFocus maxLength={SAVED_FILTER_NAME_MAX} data-testid="saved-filter-name" />
        </Form.Item>
      </FormModal>
    </>
  );
}
