import type { ReactNode } from 'react';
import { theme } from 'antd';

/**
 * The box of a Dropdown's custom popup (`popupRender`): the elevated background, radius and
 * shadow of antd's own menus, around any content (a checklist, a list of saved filters).
 */
export function DropdownPanel({ padding = 8, minWidth, testId, children }: { padding?: number; minWidth?: number; testId: string; children: ReactNode }) {
  const { token } = theme.useToken();
  return (
    <div style={{ background: token.colorBgElevated, padding, borderRadius: token.borderRadiusLG, boxShadow: token.boxShadowSecondary, minWidth }} data-testid={testId}>
      {children}
    </div>
  );
}
