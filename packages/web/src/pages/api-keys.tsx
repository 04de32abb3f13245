import { canManage, useTenantRole } from '@/api/session';
import { ApiKeysPanel } from '@/components/api-keys/api-keys-panel';

export function ApiKeysPage({ tenantId }: { tenantId: string }) {
  const role = useTenantRole(tenantId);
  return (
    <ApiKeysPanel
      tenantId={tenantId}
      canManage={canManage(role)}
      canCreateSecret={role === 'owner'}
      title="API keys"
      description={
        <>
          Keys for this workspace only. Secret keys (<code className="font-mono">trb_sk_</code>) have full
          access; restricted keys (<code className="font-mono">trb_rk_</code>) only their scopes.
        </>
      }
    />
  );
}

export function PlatformApiKeysPage() {
  return (
    <ApiKeysPanel
      tenantId={null}
      canManage
      canCreateSecret
      title="Platform API keys"
      description="Keys your platform's app uses to manage every tenant and create dashboard links."
    />
  );
}
