import { useNavigate } from '@tanstack/react-router';
import { useCreateTenant } from '@/api/tenants';
import { FormDialog } from '@/components/form-dialog';
import { TextField } from '@/components/form-field';
import { useToast } from '@/components/ui/toast';
import { useFormFields } from '@/components/use-form-fields';

export function NewTenantDialog({ onClose }: { onClose: () => void }) {
  const create = useCreateTenant();
  const navigate = useNavigate();
  const toast = useToast();
  const { values, field } = useFormFields('new-tenant', { name: '', externalId: '' });
  const name = values.name.trim();
  const externalId = values.externalId.trim();

  return (
    <FormDialog
      name="new-tenant"
      title="New tenant"
      description="A tenant is one of your platform's workspaces; it connects its own Stripe account."
      submission={create}
      submitLabel="Create tenant"
      disabled={!name}
      onSubmit={() =>
        create.mutate(
          { name, ...(externalId ? { external_id: externalId } : {}) },
          {
            onSuccess: (tenant) => {
              toast({ title: 'Tenant created', description: tenant.name });
              onClose();
              void navigate({ to: '/tenants/$tenantId', params: { tenantId: tenant.id } });
            },
          },
        )
      }
      onClose={onClose}
    >
      <TextField label="Name" placeholder="Acme Inc." required autoFocus maxLength={200} {...field('name')} />
      <TextField
        label="External id (optional)"
        placeholder="workspace_123"
        hint="The workspace's id in your own app, to find it again."
        {...field('externalId')}
      />
    </FormDialog>
  );
}
