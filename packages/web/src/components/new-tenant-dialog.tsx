import { useNavigate } from '@tanstack/react-router';
import * as React from 'react';
import { errorMessage } from '@/api/client';
import { useCreateTenant } from '@/api/tenants';
import { TextField } from '@/components/form-field';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog, DialogFooter } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { FieldHint, Label } from '@/components/ui/label';
import { useToast } from '@/components/ui/toast';

export function NewTenantDialog({
  open,
  onOpenChange,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const create = useCreateTenant();
  const navigate = useNavigate();
  const toast = useToast();
  const [name, setName] = React.useState('');
  const [externalId, setExternalId] = React.useState('');

  function close(next: boolean) {
    onOpenChange(next);
    if (!next) {
      setName('');
      setExternalId('');
      create.reset();
    }
  }

  function submit(event: React.FormEvent) {
    event.preventDefault();
    create.mutate(
      { name: name.trim(), ...(externalId.trim() ? { external_id: externalId.trim() } : {}) },
      {
        onSuccess: (tenant) => {
          toast({ title: 'Tenant created', description: tenant.name });
          close(false);
          void navigate({ to: '/tenants/$tenantId', params: { tenantId: tenant.id } });
        },
      },
    );
  }

  return (
    <Dialog
      open={open}
      onOpenChange={close}
      title="New tenant"
      description="A tenant is one of your platform's workspaces; it connects its own Stripe account."
      data-testid="new-tenant-dialog"
    >
      <form onSubmit={submit} className="space-y-4">
        {create.error ? <Alert variant="destructive">{errorMessage(create.error)}</Alert> : null}
        <TextField
          id="new-tenant-name"
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="Acme Inc."
          required
          autoFocus
          maxLength={200}
        />
        <div className="space-y-2">
          <Label htmlFor="new-tenant-external-id">External id (optional)</Label>
          <Input
            id="new-tenant-external-id"
            data-testid="new-tenant-external-id"
            value={externalId}
            onChange={(e) => setExternalId(e.target.value)}
            placeholder="workspace_123"
          />
          <FieldHint>The workspace's id in your own app, to find it again.</FieldHint>
        </div>
        <DialogFooter>
          <Button variant="outline" onClick={() => close(false)}>
            Cancel
          </Button>
          <Button
            type="submit"
            data-testid="new-tenant-submit"
            loading={create.isPending}
            disabled={!name.trim()}
          >
            Create tenant
          </Button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}
