import { useSearchParams } from 'react-router-dom';
import { Tag } from 'antd';
import { AreaPlaceholder } from '../../components/page';
import { useT } from '../../i18n';

/** The ticket list; `?q=` carries the top bar's search (ticket id or phone number). */
export default function TicketsPage() {
  const t = useT();
  const [params] = useSearchParams();
  const q = params.get('q') ?? '';
  return (
    <AreaPlaceholder title={t('tickets.title')} text={t('tickets.empty')} testId="page-tickets">
      {q && <Tag data-testid="tickets-query">{t('tickets.query', { q })}</Tag>}
    </AreaPlaceholder>
  );
}
