import { type EventStatus, eventStatuses } from '@/api/events';
import { Badge } from '@/components/ui/badge';

export const statusLabel: Record<EventStatus, string> = {
  pending: 'Pending',
  processed: 'Processed',
  failed: 'Failed (retrying)',
  dead: 'Dead letter',
  ignored: 'Ignored',
};

const statusVariant = {
  pending: 'secondary',
  processed: 'success',
  failed: 'warning',
  dead: 'destructive',
  ignored: 'outline',
} as const satisfies Record<EventStatus, string>;

export function EventStatusBadge({ status }: { status: EventStatus }) {
  return <Badge variant={statusVariant[status]}>{statusLabel[status]}</Badge>;
}

export function isEventStatus(value: unknown): value is EventStatus {
  return typeof value === 'string' && (eventStatuses as readonly string[]).includes(value);
}
