import { type EventStatus, useEventStats } from '@/api/events';
import { Card, CardContent } from '@/components/ui/card';
import { Skeleton } from '@/components/ui/states';
import { cn } from '@/lib/utils';

/** The dead-letter count and the other statuses (operator: GET /v1/events/stats). */
export function EventStatsCards() {
  const stats = useEventStats();
  const items: { status: EventStatus; label: string }[] = [
    { status: 'dead', label: 'Dead letter' },
    { status: 'failed', label: 'Retrying' },
    { status: 'pending', label: 'Pending' },
    { status: 'processed', label: 'Processed' },
  ];
  if (stats.error) return null;
  return (
    <div className="mb-6 grid grid-cols-2 gap-4 lg:grid-cols-4" data-testid="event-stats">
      {items.map(({ status, label }) => {
        const value = stats.data?.[status];
        const alarming = status === 'dead' && (value ?? 0) > 0;
        return (
          <Card key={status} className={cn(alarming && 'border-destructive/40')}>
            <CardContent>
              <p className="text-sm text-muted-foreground">{label}</p>
              {value === undefined ? (
                <Skeleton className="mt-2 h-7 w-12" />
              ) : (
                <p
                  className={cn('mt-1 text-2xl font-semibold tabular-nums', alarming && 'text-destructive')}
                  data-testid={status === 'dead' ? 'dead-letter-count' : `event-count-${status}`}
                >
                  {value}
                </p>
              )}
            </CardContent>
          </Card>
        );
      })}
    </div>
  );
}
