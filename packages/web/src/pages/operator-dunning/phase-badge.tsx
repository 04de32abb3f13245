import type { DunningPhase } from '@/api/dunning';
import { Badge } from '@/components/ui/badge';

const phaseLabels: Record<DunningPhase, string> = {
  past_due: 'Past due',
  warning: 'Warning',
  suspended: 'Suspended',
  closed: 'Closed',
};
const phaseVariants = {
  past_due: 'secondary',
  warning: 'warning',
  suspended: 'destructive',
  closed: 'outline',
} as const;

export function PhaseBadge({ phase }: { phase: DunningPhase }) {
  return (
    <Badge variant={phaseVariants[phase]} data-testid="dunning-phase">
      {phaseLabels[phase]}
    </Badge>
  );
}
