import type { NotificationStatus } from '@/api/notifications';
import { Badge } from '@/components/ui/badge';

const variants = {
  pending: 'secondary',
  sending: 'secondary',
  sent: 'success',
  failed: 'destructive',
  suppressed: 'outline',
} as const;

export function NotificationStatusBadge({ status }: { status: NotificationStatus }) {
  return (
    <Badge variant={variants[status]} className="capitalize" data-testid="mail-status">
      {status}
    </Badge>
  );
}
