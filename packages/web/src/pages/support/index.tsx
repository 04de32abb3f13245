import * as React from 'react';
import { useTenants } from '@/api/tenants';
import { SelectField, TextField } from '@/components/form-field';
import { PageHeader } from '@/components/page-header';
import { TenantOptions } from '@/components/tenant-options';
import { Lookup } from './lookup';

// Support lookup (issue 23, docs/support.md#the-dashboards-support-lookup): find a customer by e-mail, id,
// payment or card, and read what happened to their money in plain words. Read-only; every lookup is audited.

/** A tenant's page: its owners, admins, members and support members, and the operator inside the tenant. */
export function SupportLookupPage({ tenantId }: { tenantId: string }) {
  return (
    <>
      <PageHeader
        title="Support lookup"
        description="Find a customer and see their payments, refunds, disputes and subscriptions in plain words. Read-only; each lookup is recorded in the audit log."
      />
      <Lookup audience={() => ({ tenant: tenantId })} />
    </>
  );
}

/** The operator's page: one tenant, or every tenant with a reason the audit log records. */
export function OperatorSupportLookupPage() {
  const tenants = useTenants();
  const [tenant, setTenant] = React.useState('');
  const [reason, setReason] = React.useState('');
  return (
    <>
      <PageHeader
        title="Support lookup"
        description="Look into one tenant's customers, or across every tenant with a reason (a ticket number): the audit log records each lookup and its reason."
      />
      <Lookup audience={() => (tenant ? { tenant } : { reason: reason.trim() })}>
        <div className="flex flex-wrap items-end gap-3">
          <SelectField
            id="support-tenant"
            label="Tenant"
            fieldClassName="w-64"
            value={tenant}
            onChange={(e) => setTenant(e.target.value)}
            disabled={tenants.isPending}
          >
            <option value="">Every tenant (give a reason)</option>
            <TenantOptions tenants={tenants.data?.data ?? []} />
          </SelectField>
          {tenant ? null : (
            <TextField
              id="support-reason"
              label="Reason"
              fieldClassName="min-w-64 flex-1"
              placeholder="Helpdesk ticket 8812"
              maxLength={500}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          )}
        </div>
      </Lookup>
    </>
  );
}
