import * as React from 'react';
import { type FeeScheduleValues, type TenantFeeSchedule, useTenantFeeSchedules } from '@/api/fees';
import type { Tenant } from '@/api/types';
import { FeeOverrideDialog } from '@/components/fee-override-dialog';
import { Table, TableBody, TableHeadings } from '@/components/ui/table';
import { ClearOverrideDialog } from './clear-override-dialog';
import { scheduleFields } from './schedule-fields';
import { TenantFeeRow } from './tenant-fee-row';

export function TenantFeesTable({ tenants, defaults }: { tenants: Tenant[]; defaults: FeeScheduleValues }) {
  const schedules = useTenantFeeSchedules(tenants.map((t) => t.id));
  const [editing, setEditing] = React.useState<{ tenant: Tenant; schedule: TenantFeeSchedule } | null>(null);
  const [clearing, setClearing] = React.useState<Tenant | null>(null);
  return (
    <>
      <Table data-testid="fee-schedules-table">
        <TableHeadings
          columns={[
            'Tenant',
            ...scheduleFields.map(([, label]) => label),
            { label: 'Override', right: true },
          ]}
        />
        <TableBody>
          {tenants.map((tenant, i) => (
            <TenantFeeRow
              key={tenant.id}
              tenant={tenant}
              schedule={schedules[i] ?? { error: null }}
              onEdit={(schedule) => setEditing({ tenant, schedule })}
              onClear={() => setClearing(tenant)}
            />
          ))}
        </TableBody>
      </Table>
      {editing ? (
        <FeeOverrideDialog
          tenantName={editing.tenant.name}
          schedule={editing.schedule}
          defaults={defaults}
          onClose={() => setEditing(null)}
        />
      ) : null}
      {clearing ? <ClearOverrideDialog tenant={clearing} onClose={() => setClearing(null)} /> : null}
    </>
  );
}
