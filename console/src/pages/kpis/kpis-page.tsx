import { AreaPlaceholder } from '../../components/page';
import { useT } from '../../i18n';

/** The KPI dashboard (DESIGN §7, §9); an empty state until its feature lands. */
export default function KpisPage() {
  const t = useT();
  return <AreaPlaceholder title={t('kpis.title')} text={t('kpis.empty')} testId="page-kpis" />;
}
