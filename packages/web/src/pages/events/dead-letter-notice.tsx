import { Link } from '@tanstack/react-router';
import { useEventStats } from '@/api/events';
import { Alert } from '@/components/ui/alert';

/** A one-line notice for the overview pages: dead-lettered events need an operator (renders nothing at 0). */
export function DeadLetterNotice() {
  const stats = useEventStats();
  const dead = stats.data?.dead ?? 0;
  if (dead === 0) return null;
  return (
    <Alert variant="warning" className="mb-6" data-testid="dead-letter-notice">
      <span className="inline-flex flex-wrap items-center gap-x-2">
        <span>
          <span className="font-medium tabular-nums" data-testid="dead-letter-notice-count">
            {dead}
          </span>{' '}
          Stripe event{dead === 1 ? '' : 's'} failed every retry and {dead === 1 ? 'is' : 'are'}{' '}
          dead-lettered.
        </span>
        <Link to="/operator/events" search={{ status: 'dead' }} className="text-primary hover:underline">
          Review events
        </Link>
      </span>
    </Alert>
  );
}
