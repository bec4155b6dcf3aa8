import { AreaPlaceholder } from '../../components/page';
import { useT } from '../../i18n';

/** The intake area (DESIGN §9); an empty state until its feature lands. */
export default function IntakePage() {
  const t = useT();
  return <AreaPlaceholder title={t('intake.title')} text={t('intake.empty')} testId="page-intake" />;
}
