import { App } from 'antd';
import { useCallback } from 'react';
import { ApiError } from './api';
import { useT, type Translate } from './i18n';

/**
 * What to tell the user about a failed request: the server's own message (with the error
 * reference of an internal error), or a text of ours when the server was not reached.
 */
export function errorText(err: unknown, t: Translate): string {
  if (err instanceof ApiError) {
    if (err.status === 0) return t('error.network');
    const ref = (err.details as { ref?: unknown } | undefined)?.ref;
    const message = err.message || t('error.http', { status: err.status });
    return typeof ref === 'string' || typeof ref === 'number' ? `${message} (${t('error.ref', { ref })})` : message;
  }
  return err instanceof Error ? err.message : String(err);
}

/** A function that shows a failed request in an antd message (a 401 has already left the page). */
export function useShowError(): (err: unknown) => void {
  const { message } = App.useApp();
  const t = useT();
  return useCallback(
    (err: unknown) => {
      if (err instanceof ApiError && err.status === 401) return;
      void message.error(errorText(err, t));
    },
    [message, t],
  );
}
