import { AreaPlaceholder } from '../../components/page';
import { useT } from '../../i18n';

/** The hotspots area (DESIGN §9); an empty state until its feature lands. */
export default function HotspotsPage() {
  const t = useT();
  return <AreaPlaceholder title={t('hotspots.title')} text={t('hotspots.empty')} testId="page-hotspots" />;
}
