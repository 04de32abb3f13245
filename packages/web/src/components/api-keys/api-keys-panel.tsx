import { KeyRound, Plus } from 'lucide-react';
import * as React from 'react';
import { useApiKeys } from '@/api/api-keys';
import type { ApiKey } from '@/api/types';
import { PageHeader, ReadOnlyNotice } from '@/components/page-header';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { EmptyState, ErrorState, LoadingBlock } from '@/components/ui/states';
import { ApiKeysTable } from './api-keys-table';
import { CreateApiKeyDialog } from './create-api-key-dialog';
import { RevokeApiKeyDialog } from './revoke-api-key-dialog';

/** A list of API keys with create and revoke: a tenant's keys (`tenantId`) or the platform's (null). */
export function ApiKeysPanel({
  tenantId,
  canManage,
  canCreateSecret,
  title,
  description,
}: {
  tenantId: string | null;
  canManage: boolean;
  /** Secret keys act as an owner: only owners (and the operator, for platform keys) create them. */
  canCreateSecret: boolean;
  title: string;
  description: React.ReactNode;
}) {
  const keys = useApiKeys(tenantId);
  const [createOpen, setCreateOpen] = React.useState(false);
  const [revoking, setRevoking] = React.useState<ApiKey | null>(null);

  const createButton = canManage ? (
    <Button data-testid="create-api-key-button" onClick={() => setCreateOpen(true)}>
      <Plus aria-hidden="true" />
      Create API key
    </Button>
  ) : null;

  return (
    <>
      <PageHeader title={title} description={description} actions={createButton} />
      {canManage ? null : <ReadOnlyNotice what="create or revoke API keys" />}
      <Card>
        {keys.isPending ? (
          <LoadingBlock label="Loading API keys" />
        ) : keys.error ? (
          <ErrorState error={keys.error} onRetry={() => void keys.refetch()} />
        ) : keys.data.data.length === 0 ? (
          <EmptyState
            icon={<KeyRound />}
            title="No API keys yet"
            description={
              canManage
                ? 'Create a key to call the Tributary API from your servers.'
                : 'An owner or admin can create keys for this workspace.'
            }
          />
        ) : (
          <ApiKeysTable keys={keys.data.data} canManage={canManage} onRevoke={setRevoking} />
        )}
      </Card>
      {canManage ? (
        <>
          {createOpen ? (
            <CreateApiKeyDialog
              tenantId={tenantId}
              canCreateSecret={canCreateSecret}
              onClose={() => setCreateOpen(false)}
            />
          ) : null}
          <RevokeApiKeyDialog tenantId={tenantId} apiKey={revoking} onOpenChange={() => setRevoking(null)} />
        </>
      ) : null}
    </>
  );
}
