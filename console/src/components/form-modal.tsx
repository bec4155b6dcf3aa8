import { useState, type ReactNode } from 'react';
import { Alert, Button, Flex, Form, Modal } from 'antd';
import { useT } from '../i18n';
import { errorText } from '../errors';

interface FormModalProps<T> {
  open: boolean;
  title: ReactNode;
  /** `data-testid` of the form; its buttons get `-submit` and `-cancel`, the error `-error`. */
  testId: string;
  initialValues?: Partial<T>;
  onCancel: () => void;
  /** Sends the values; a thrown error is shown in the modal, which stays open. */
  onSubmit: (values: T) => Promise<void>;
  /** The submit button's text (default: Save). */
  submitText?: ReactNode;
  /** Dialog width in pixels (default 520). */
  width?: number;
  children: ReactNode;
}

/**
 * A create/edit dialog around an antd Form. The form wraps the whole dialog, so Enter in a
 * field submits it; each opening starts from `initialValues` (the content is destroyed on close).
 */
export function FormModal<T extends object>({ open, title, testId, initialValues, onCancel, onSubmit, submitText, width = 520, children }: FormModalProps<T>) {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const finish = async (values: T) => {
    setBusy(true);
    setError(null);
    try {
      await onSubmit(values);
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={title}
      onCancel={busy ? undefined : onCancel}
      afterOpenChange={(visible) => !visible && setError(null)}
      destroyOnHidden
      mask={{ closable: false }}
      width={width}
      modalRender={(dom) => (
        <Form<T>
          layout="vertical"
          initialValues={initialValues}
          onFinish={finish}
          disabled={busy}
          scrollToFirstError
          data-testid={testId}
        >
          {dom}
        </Form>
      )}
      footer={
        <Flex justify="end" gap={8}>
          <Button onClick={onCancel} disabled={busy} data-testid={`${testId}-cancel`}>
            {t('common.cancel')}
          </Button>
          <Button type="primary" htmlType="submit" loading={busy} data-testid={`${testId}-submit`}>
            {submitText ?? t('common.save')}
          </Button>
        </Flex>
      }
    >
      {error && (
        <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid={`${testId}-error`} role="alert" />
      )}
      {children}
    </Modal>
  );
}
