import type { HTMLAttributes } from 'react';
import type { ButtonProps } from 'antd';

/**
 * `data-testid` for props objects (table rows, modal buttons), where TypeScript does not
 * accept hyphenated attribute names as it does in JSX.
 */
export function testId<T = HTMLAttributes<HTMLElement>>(id: string): T {
  return { 'data-testid': id } as T;
}

/** Button props carrying a `data-testid` (Popconfirm's and Modal's own buttons). */
export const buttonTestId = (id: string) => testId<ButtonProps>(id);
