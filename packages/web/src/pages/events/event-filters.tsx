import * as React from 'react';
import { type EventFilters, type EventStatus, eventStatuses } from '@/api/events';
import { useCursorPagination } from '@/api/pagination';
import { useTenants } from '@/api/tenants';
import { SearchField, SelectField, TextField } from '@/components/form-field';
import { TenantOptions } from '@/components/tenant-options';
import { Button } from '@/components/ui/button';
import { isEventStatus } from '../events/event-status';
import { statusLabel } from './event-status';

/** `YYYY-MM-DD` (local day) → unix seconds at its start or end. */
function dayToUnix(day: string, end: boolean): number | undefined {
  if (!day) return undefined;
  const ms = Date.parse(`${day}T${end ? '23:59:59' : '00:00:00'}`);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

interface FilterForm {
  type: string;
  status: EventStatus | '';
  tenant: string;
  from: string;
  to: string;
}

const emptyForm: FilterForm = { type: '', status: '', tenant: '', from: '', to: '' };

function toFilters(form: FilterForm): EventFilters {
  return {
    type: form.type.trim() || undefined,
    status: form.status || undefined,
    tenant: form.tenant || undefined,
    since: dayToUnix(form.from, false),
    until: dayToUnix(form.to, true),
  };
}

export function EventFiltersBar({
  value,
  onChange,
  showTenant,
}: {
  value: FilterForm;
  onChange: (next: FilterForm) => void;
  showTenant: boolean;
}) {
  const tenants = useTenants(showTenant);
  const active = JSON.stringify(value) !== JSON.stringify(emptyForm);

  return (
    <form className="flex flex-wrap items-end gap-3 border-b px-4 py-3" onSubmit={(e) => e.preventDefault()}>
      <SearchField
        id="events-filter-type"
        label="Type"
        filter
        fieldClassName="w-full sm:w-56"
        placeholder="payment_intent.* or charge.refunded"
        value={value.type}
        onApply={(type) => onChange({ ...value, type })}
        className="font-mono text-xs"
      />
      <SelectField
        id="events-filter-status"
        label="Status"
        filter
        fieldClassName="w-40"
        value={value.status}
        onChange={(e) => onChange({ ...value, status: isEventStatus(e.target.value) ? e.target.value : '' })}
      >
        <option value="">Any status</option>
        {eventStatuses.map((s) => (
          <option key={s} value={s}>
            {statusLabel[s]}
          </option>
        ))}
      </SelectField>
      {showTenant ? (
        <SelectField
          id="events-filter-tenant"
          label="Tenant"
          filter
          fieldClassName="w-48"
          value={value.tenant}
          onChange={(e) => onChange({ ...value, tenant: e.target.value })}
        >
          <option value="">Any tenant</option>
          <TenantOptions tenants={tenants.data?.data ?? []} current={value.tenant} />
        </SelectField>
      ) : null}
      <TextField
        id="events-filter-from"
        label="Received from"
        filter
        type="date"
        className="w-40"
        value={value.from}
        max={value.to || undefined}
        onChange={(e) => onChange({ ...value, from: e.target.value })}
      />
      <TextField
        id="events-filter-to"
        label="to"
        filter
        type="date"
        className="w-40"
        value={value.to}
        min={value.from || undefined}
        onChange={(e) => onChange({ ...value, to: e.target.value })}
      />
      {active ? (
        <Button
          variant="ghost"
          size="sm"
          className="mb-0.5"
          data-testid="events-filter-reset"
          onClick={() => onChange(emptyForm)}
        >
          Clear filters
        </Button>
      ) : null}
    </form>
  );
}

/** The filter form and the paging it resets; `filters` is what the list query takes. */
export function useFilterState(initial: Partial<FilterForm>) {
  const pagination = useCursorPagination(25);
  const [form, setForm] = React.useState<FilterForm>({ ...emptyForm, ...initial });
  const filters = React.useMemo(() => toFilters(form), [form]);
  const change = (next: FilterForm) => {
    setForm(next);
    pagination.reset();
  };
  const filtered = JSON.stringify(form) !== JSON.stringify(emptyForm);
  return { form, change, filters, filtered, pagination };
}
