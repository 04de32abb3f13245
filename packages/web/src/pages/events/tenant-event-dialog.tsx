import { useTenantEvent } from '@/api/events';
import { EventDetailDialog } from './event-detail-dialog';

/** The tenant's read-only detail: GET /v1/tenants/:id/events/:event_id (fields and payload, no replay). */
export function TenantEventDialog({
  tenantId,
  eventId,
  onClose,
}: {
  tenantId: string;
  eventId: string | null;
  onClose: () => void;
}) {
  return <EventDetailDialog eventId={eventId} event={useTenantEvent(tenantId, eventId)} onClose={onClose} />;
}
