import { useParams } from 'react-router-dom';
import { AreaPlaceholder } from '../../components/page';
import { useT } from '../../i18n';

/** One ticket with its history and clocks (`/tickets/:id`). */
export default function TicketPage() {
  const t = useT();
  const { id = '' } = useParams();
  return <AreaPlaceholder title={t('ticket.title', { id })} text={t('ticket.empty')} testId="page-ticket" />;
}
