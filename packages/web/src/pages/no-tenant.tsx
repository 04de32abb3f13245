import { Building2 } from 'lucide-react';
import { isSupportOperator, useSession } from '@/api/session';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/states';

/** A signed-in user who belongs to no workspace and is not the operator (or is one of its support users). */
export function NoTenantPage() {
  const support = isSupportOperator(useSession().data);
  return (
    <Card data-testid={support ? 'support-home' : undefined}>
      {support ? (
        <EmptyState
          icon={<Building2 />}
          title="Pick a tenant"
          description="Choose a tenant in the switcher above to read its customers, payments, invoices, subscriptions and events."
        />
      ) : (
        <EmptyState
          icon={<Building2 />}
          title="You are not a member of any workspace"
          description="Open the dashboard from your platform's app to get a sign-in link for your workspace."
        />
      )}
    </Card>
  );
}
