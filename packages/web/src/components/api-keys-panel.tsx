import { KeyRound, Plus } from 'lucide-react';
import * as React from 'react';
import { useApiKeyScopes, useApiKeys, useCreateApiKey, useRevokeApiKey } from '@/api/api-keys';
import { errorMessage } from '@/api/client';
import type { ApiKey, ApiKeyType, ApiKeyWithSecret } from '@/api/types';
import { SelectField, TextField } from '@/components/form-field';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Checkbox } from '@/components/ui/checkbox';
import { Dialog, DialogFooter } from '@/components/ui/dialog';
import { FieldHint } from '@/components/ui/label';
import { EmptyState, ErrorState, LoadingBlock, Spinner } from '@/components/ui/states';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { useToast } from '@/components/ui/toast';
import { cn, formatRelative, formatTimestamp } from '@/lib/utils';
import { ConfirmDialog } from './confirm-dialog';
import { PageHeader, ReadOnlyNotice } from './page-header';
import { SecretDialog } from './secret-dialog';

/** Groups `resource:read|write` scopes by resource for a compact grid. */
function groupScopes(scopes: string[]): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const scope of scopes) {
    const [resource = scope] = scope.split(':');
    groups.set(resource, [...(groups.get(resource) ?? []), scope]);
  }
  return [...groups.entries()];
}

/**
 * Scopes only an owner holds and grants (server src/auth/scopes.ts `ownerScopes`): disconnecting or
 * replacing the Stripe account, editing its payout details.
 */
const ownerOnlyScopes = new Set(['connect:manage']);

function ScopePicker({
  selected,
  onChange,
  ownerScopes,
}: {
  selected: string[];
  onChange: (scopes: string[]) => void;
  /** whether to offer the owner-only scopes (the caller is an owner or the platform) */
  ownerScopes: boolean;
}) {
  const scopes = useApiKeyScopes();
  if (scopes.isPending) return <Spinner label="Loading scopes" />;
  if (scopes.error) return <Alert variant="destructive">{errorMessage(scopes.error)}</Alert>;
  const toggle = (scope: string, on: boolean) =>
    onChange(on ? [...selected, scope] : selected.filter((s) => s !== scope));
  return (
    <fieldset className="max-h-56 overflow-y-auto rounded-md border" data-testid="api-key-scopes">
      <legend className="sr-only">Scopes</legend>
      <div className="divide-y">
        {groupScopes(scopes.data.data.filter((s) => ownerScopes || !ownerOnlyScopes.has(s))).map(
          ([resource, list]) => (
            <div
              key={resource}
              className="flex flex-wrap items-center justify-between gap-2 px-3 py-2 text-sm"
            >
              <span className="font-medium">{resource}</span>
              <span className="flex gap-4">
                {list.map((scope) => (
                  <label
                    key={scope}
                    htmlFor={`scope-${scope}`}
                    className="flex items-center gap-1.5 text-muted-foreground"
                  >
                    <Checkbox
                      id={`scope-${scope}`}
                      checked={selected.includes(scope)}
                      onChange={(e) => toggle(scope, e.target.checked)}
                      data-testid={`scope-${scope}`}
                    />
                    {scope.split(':')[1] ?? scope}
                  </label>
                ))}
              </span>
            </div>
          ),
        )}
      </div>
    </fieldset>
  );
}

function CreateApiKeyDialog({
  tenantId,
  canCreateSecret,
  open,
  onOpenChange,
}: {
  tenantId: string | null;
  canCreateSecret: boolean;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const create = useCreateApiKey(tenantId);
  const initialType: ApiKeyType = canCreateSecret ? 'secret' : 'restricted';
  const [name, setName] = React.useState('');
  const [type, setType] = React.useState<ApiKeyType>(initialType);
  const [scopes, setScopes] = React.useState<string[]>([]);
  const [created, setCreated] = React.useState<ApiKeyWithSecret | null>(null);

  function close() {
    onOpenChange(false);
    setName('');
    setType(initialType);
    setScopes([]);
    setCreated(null);
    create.reset();
  }

  function submit(event: React.FormEvent) {
    event.preventDefault();
    create.mutate(
      { name: name.trim(), type, ...(type === 'restricted' ? { scopes } : {}) },
      { onSuccess: (key) => setCreated(key) },
    );
  }

  if (created) {
    return (
      <SecretDialog
        open={open}
        onDone={close}
        title="Save your API key"
        warningTitle="This key is shown only once"
        warning="Copy it now and store it in a secret manager. If you lose it, revoke it and create a new one."
        shown={{ label: created.name, secret: created.secret }}
        doneLabel="I have saved the key"
        testIdPrefix="api-key"
        data-testid="api-key-created-dialog"
      />
    );
  }

  return (
    <Dialog
      open={open}
      onOpenChange={close}
      title="Create API key"
      description={
        tenantId
          ? 'Keys authenticate server-to-server calls for this tenant.'
          : 'Platform keys manage every tenant. Keep them on your servers only.'
      }
      data-testid="api-key-create-dialog"
    >
      <form onSubmit={submit} className="space-y-4">
        {create.error ? <Alert variant="destructive">{errorMessage(create.error)}</Alert> : null}
        <TextField
          id="api-key-name"
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="Production server"
          required
          autoFocus
          maxLength={200}
        />
        <SelectField
          id="api-key-type"
          label="Type"
          value={type}
          onChange={(e) => setType(e.target.value === 'restricted' ? 'restricted' : 'secret')}
        >
          {canCreateSecret ? <option value="secret">Secret key — full access (trb_sk_…)</option> : null}
          <option value="restricted">Restricted key — chosen scopes (trb_rk_…)</option>
        </SelectField>
        {canCreateSecret ? null : (
          <FieldHint>
            A secret key acts as an owner, so only owners create one (and grant connect:manage).
          </FieldHint>
        )}
        {type === 'restricted' ? (
          <div className="space-y-2">
            <p className="text-sm font-medium">Scopes</p>
            <ScopePicker selected={scopes} onChange={setScopes} ownerScopes={canCreateSecret} />
            <FieldHint>Write access includes read access to the same resource.</FieldHint>
          </div>
        ) : null}
        <DialogFooter>
          <Button variant="outline" onClick={close}>
            Cancel
          </Button>
          <Button
            type="submit"
            data-testid="api-key-submit"
            loading={create.isPending}
            disabled={!name.trim() || (type === 'restricted' && scopes.length === 0)}
          >
            Create key
          </Button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}

function RevokeDialog({
  tenantId,
  apiKey,
  onOpenChange,
}: {
  tenantId: string | null;
  apiKey: ApiKey | null;
  onOpenChange: (open: boolean) => void;
}) {
  const revoke = useRevokeApiKey(tenantId);
  const toast = useToast();
  const close = () => {
    onOpenChange(false);
    revoke.reset();
  };
  return (
    <ConfirmDialog
      open={apiKey !== null}
      onCancel={close}
      title="Revoke API key?"
      description={
        apiKey ? (
          <>
            Requests using <span className="font-medium text-foreground">{apiKey.name}</span> (
            <code className="font-mono">{apiKey.prefix}…</code>) will fail immediately. This cannot be undone.
          </>
        ) : null
      }
      dialogTestId="revoke-api-key-dialog"
      error={revoke.error}
      destructive
      testId="confirm-revoke"
      pending={revoke.isPending}
      confirmLabel="Revoke key"
      onConfirm={() =>
        apiKey &&
        revoke.mutate(apiKey.id, {
          onSuccess: () => {
            toast({ title: 'API key revoked', description: apiKey.name });
            close();
          },
        })
      }
    />
  );
}

function KeyStatus({ apiKey }: { apiKey: ApiKey }) {
  if (apiKey.revoked_at) {
    return (
      <Badge variant="secondary" title={`Revoked ${formatTimestamp(apiKey.revoked_at)}`}>
        Revoked
      </Badge>
    );
  }
  return <Badge variant="success">Active</Badge>;
}

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
          <Table data-testid="api-keys-table">
            <TableHeader>
              <TableRow className="hover:bg-transparent">
                <TableHead>Name</TableHead>
                <TableHead>Key</TableHead>
                <TableHead>Type</TableHead>
                <TableHead>Last used</TableHead>
                <TableHead>Created</TableHead>
                <TableHead>Status</TableHead>
                {canManage ? (
                  <TableHead>
                    <span className="sr-only">Actions</span>
                  </TableHead>
                ) : null}
              </TableRow>
            </TableHeader>
            <TableBody>
              {keys.data.data.map((key) => (
                <TableRow
                  key={key.id}
                  data-testid={`api-key-row-${key.id}`}
                  data-revoked={key.revoked_at ? 'true' : 'false'}
                  className={cn(key.revoked_at && 'text-muted-foreground')}
                >
                  <TableCell className="font-medium">{key.name}</TableCell>
                  <TableCell>
                    <code className="rounded bg-muted px-1.5 py-0.5 font-mono text-xs">{key.prefix}…</code>
                  </TableCell>
                  <TableCell>
                    {key.type === 'secret' ? (
                      <span>Secret</span>
                    ) : (
                      <span title={key.scopes.join(', ')}>
                        Restricted{' '}
                        <span className="text-muted-foreground">
                          ({key.scopes.length} scope{key.scopes.length === 1 ? '' : 's'})
                        </span>
                      </span>
                    )}
                  </TableCell>
                  <TableCell className="whitespace-nowrap" title={formatTimestamp(key.last_used_at)}>
                    {formatRelative(key.last_used_at)}
                  </TableCell>
                  <TableCell className="whitespace-nowrap">{formatTimestamp(key.created, false)}</TableCell>
                  <TableCell>
                    <KeyStatus apiKey={key} />
                  </TableCell>
                  {canManage ? (
                    <TableCell className="text-right">
                      {key.revoked_at ? null : (
                        <Button
                          variant="ghost"
                          size="sm"
                          className="text-destructive hover:bg-destructive/10 hover:text-destructive"
                          data-testid={`revoke-api-key-${key.id}`}
                          aria-label={`Revoke ${key.name}`}
                          onClick={() => setRevoking(key)}
                        >
                          Revoke
                        </Button>
                      )}
                    </TableCell>
                  ) : null}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Card>
      {canManage ? (
        <>
          <CreateApiKeyDialog
            tenantId={tenantId}
            canCreateSecret={canCreateSecret}
            open={createOpen}
            onOpenChange={setCreateOpen}
          />
          <RevokeDialog tenantId={tenantId} apiKey={revoking} onOpenChange={() => setRevoking(null)} />
        </>
      ) : null}
    </>
  );
}
