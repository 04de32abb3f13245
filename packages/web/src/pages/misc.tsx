import { Link } from '@tanstack/react-router';
import { Building2, Compass } from 'lucide-react';
import { isApiError } from '@/api/client';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { EmptyState, ErrorState } from '@/components/ui/states';

export function NoTenantPage() {
  return (
    <Card>
      <EmptyState
        icon={<Building2 />}
        title="You are not a member of any workspace"
        description="Open the dashboard from your platform's app to get a sign-in link for your workspace."
      />
    </Card>
  );
}

export function NotFoundPage() {
  return (
    <div className="flex min-h-[60vh] items-center justify-center p-6">
      <EmptyState
        icon={<Compass />}
        title="Page not found"
        description="The page you are looking for does not exist or has moved."
        action={
          <Button variant="outline" onClick={() => window.location.assign('/')}>
            Go to the dashboard
          </Button>
        }
      />
    </div>
  );
}

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
