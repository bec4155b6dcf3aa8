import { Alert, Button } from 'antd';
import { useT } from '../i18n';
import { errorText } from '../errors';

/** Why a list did not load, with a retry button; nothing when there is no error. */
export function LoadError({ error, onRetry, testId }: { error: unknown; onRetry: () => void; testId: string }) {
  const t = useT();
  if (!error) return null;
  return (
    <Alert
      type="error"
      showIcon
      title={t('error.loadFailed')}
      description={errorText(error, t)}
      action={<Button size="small" onClick={onRetry}>{t('error.retry')}</Button>}
      style={{ marginBottom: 16 }}
      data-testid={testId}
    />
  );
}
