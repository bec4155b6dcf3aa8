import { AreaPlaceholder } from '../../components/page';
import { useT } from '../../i18n';

/** The queue area (DESIGN §9); an empty state until its feature lands. */
export default function QueuePage() {
  const t = useT();
  return <AreaPlaceholder title={t('queue.title')} text={t('queue.empty')} testId="page-queue" />;
}
