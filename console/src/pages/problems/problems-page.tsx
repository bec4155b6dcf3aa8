import { AreaPlaceholder } from '../../components/page';
import { useT } from '../../i18n';

/** The problems area (DESIGN §9); an empty state until its feature lands. */
export default function ProblemsPage() {
  const t = useT();
  return <AreaPlaceholder title={t('problems.title')} text={t('problems.empty')} testId="page-problems" />;
}
