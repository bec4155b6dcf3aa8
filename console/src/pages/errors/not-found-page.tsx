import { Button, Result } from 'antd';
import { Link } from 'react-router-dom';
import { useT } from '../../i18n';

/** Any path the console does not know. */
export default function NotFoundPage() {
  const t = useT();
  return (
    <Result
      status="404"
      title={t('error.notFoundTitle')}
      subTitle={t('error.notFoundText')}
      extra={<Link to="/"><Button type="primary">{t('error.backHome')}</Button></Link>}
      data-testid="not-found"
    />
  );
}
