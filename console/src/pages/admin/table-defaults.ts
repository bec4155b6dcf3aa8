import type { TablePaginationConfig } from 'antd';
import type { Translate } from '../../i18n';

/** Client-side paging for the admin tables, which load their whole (small) list at once. */
export function adminPagination(t: Translate): TablePaginationConfig {
  return {
    defaultPageSize: 20,
    showSizeChanger: true,
    pageSizeOptions: [20, 50, 100],
    showTotal: (n) => t('common.total', { n }),
  };
}
