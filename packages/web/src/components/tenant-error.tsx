import { Link } from '@tanstack/react-router';
import { Building2 } from 'lucide-react';
import { isApiError } from '@/api/client';
import { Card } from '@/components/ui/card';
import { EmptyState, ErrorState } from '@/components/ui/states';

/** Why a tenant's pages cannot show: missing or not the caller's (one answer for both), or another error. */
export function TenantError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  if (isApiError(error) && (error.status === 404 || error.status === 403)) {
    return (
      <Card>
        <EmptyState
          icon={<Building2 />}
          title="Tenant not found"
          description="It does not exist, or you do not have access to it."
          action={
            <Link to="/" className="text-sm font-medium text-primary hover:underline">
              Back to the dashboard
            </Link>
          }
        />
      </Card>
    );
  }
  return <ErrorState error={error} onRetry={onRetry} />;
}
