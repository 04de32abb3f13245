import { Building2 } from 'lucide-react';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/states';

/** A signed-in user who belongs to no workspace and is not the operator. */
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
