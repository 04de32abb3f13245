import * as React from 'react';
import { useCreateApiKey } from '@/api/api-keys';
import type { ApiKeyType, ApiKeyWithSecret } from '@/api/types';
import { FormDialog } from '@/components/form-dialog';
import { SelectField, TextField } from '@/components/form-field';
import { SecretDialog } from '@/components/secret-dialog';
import { FieldHint } from '@/components/ui/label';
import { ScopePicker } from './scope-picker';

/** Creates a key, then shows its secret once. */
export function CreateApiKeyDialog({
  tenantId,
  canCreateSecret,
  onClose,
}: {
  tenantId: string | null;
  canCreateSecret: boolean;
  onClose: () => void;
}) {
  const create = useCreateApiKey(tenantId);
  const [name, setName] = React.useState('');
  const [type, setType] = React.useState<ApiKeyType>(canCreateSecret ? 'secret' : 'restricted');
  const [scopes, setScopes] = React.useState<string[]>([]);
  const [created, setCreated] = React.useState<ApiKeyWithSecret | null>(null);

  function submit() {
    create.mutate(
      { name: name.trim(), type, ...(type === 'restricted' ? { scopes } : {}) },
      { onSuccess: (key) => setCreated(key) },
    );
  }

  if (created) {
    return (
      <SecretDialog
        open
        onDone={onClose}
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
    <FormDialog
      name="api-key"
      data-testid="api-key-create-dialog"
      title="Create API key"
      description={
        tenantId
          ? 'Keys authenticate server-to-server calls for this tenant.'
          : 'Platform keys manage every tenant. Keep them on your servers only.'
      }
      submission={create}
      submitLabel="Create key"
      disabled={!name.trim() || (type === 'restricted' && scopes.length === 0)}
      onSubmit={submit}
      onClose={onClose}
    >
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
        hint={
          canCreateSecret
            ? null
            : 'A secret key acts as an owner, so only owners create one (and grant connect:manage).'
        }
      >
        {canCreateSecret ? <option value="secret">Secret key — full access (trb_sk_…)</option> : null}
        <option value="restricted">Restricted key — chosen scopes (trb_rk_…)</option>
      </SelectField>
      {type === 'restricted' ? (
        <div className="space-y-2">
          <p className="text-sm font-medium">Scopes</p>
          <ScopePicker selected={scopes} onChange={setScopes} ownerScopes={canCreateSecret} />
          <FieldHint>Write access includes read access to the same resource.</FieldHint>
        </div>
      ) : null}
    </FormDialog>
  );
}
