import type { WebhookEndpoint } from '@/api/webhook-endpoints';
import { Badge } from '@/components/ui/badge';
import { formatTimestamp } from '@/lib/utils';

export function EventsCell({ events }: { events: string[] }) {
  if (events.includes('*')) return <span className="text-muted-foreground">All events</span>;
  return (
    <span className="flex max-w-64 flex-wrap gap-1">
      {events.slice(0, 3).map((e) => (
        <Badge key={e} variant="outline" className="font-mono">
          {e}
        </Badge>
      ))}
      {events.length > 3 ? (
        <span className="text-xs text-muted-foreground" title={events.join(', ')}>
          +{events.length - 3} more
        </span>
      ) : null}
    </span>
  );
}

export function EndpointStatus({ endpoint }: { endpoint: WebhookEndpoint }) {
  if (endpoint.status === 'disabled') {
    return (
      <Badge variant="secondary" title={endpoint.disabled_reason ?? undefined}>
        Disabled
      </Badge>
    );
  }
  if (endpoint.failing_since) {
    return (
      <Badge variant="warning" title={`Failing since ${formatTimestamp(endpoint.failing_since)}`}>
        Failing
      </Badge>
    );
  }
  return <Badge variant="success">Enabled</Badge>;
}
