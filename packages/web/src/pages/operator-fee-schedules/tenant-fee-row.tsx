import { hasOverride, type TenantFeeSchedule } from '@/api/fees';
import type { Tenant } from '@/api/types';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Spinner } from '@/components/ui/states';
import { TableCell, TableRow } from '@/components/ui/table';
import { scheduleFields, showField } from './schedule-fields';

/** One tenant's schedule in force, its overridden fields marked, with edit and clear. */
export function TenantFeeRow({
  tenant,
  schedule,
  onEdit,
  onClear,
}: {
  tenant: Tenant;
  schedule: { data?: TenantFeeSchedule; error: Error | null };
  onEdit: (s: TenantFeeSchedule) => void;
  onClear: () => void;
}) {
  const s = schedule.data;
  const overridden = hasOverride(s?.override ?? null);
  return (
    <TableRow data-testid={`fee-row-${tenant.id}`} data-overridden={s ? String(overridden) : undefined}>
      <TableCell className="font-medium">{tenant.name}</TableCell>
      {s ? (
        scheduleFields.map(([f]) => {
          const own = s.override?.[f] != null;
          return (
            <TableCell
              key={f}
              data-testid={`fee-${f}`}
              data-override={String(own)}
              className="whitespace-nowrap"
            >
              {showField(f, s)}
              {own ? (
                <Badge variant="warning" className="ml-1.5">
                  override
                </Badge>
              ) : null}
            </TableCell>
          );
        })
      ) : (
        <TableCell colSpan={scheduleFields.length}>
          {schedule.error ? <span className="text-destructive">{schedule.error.message}</span> : <Spinner />}
        </TableCell>
      )}
      <TableCell>
        <div className="flex justify-end gap-2">
          <Button
            size="sm"
            variant="outline"
            disabled={!s}
            onClick={() => s && onEdit(s)}
            data-testid={`fee-edit-${tenant.id}`}
          >
            {overridden ? 'Change' : 'Set override'}
          </Button>
          {overridden ? (
            <Button size="sm" variant="outline" onClick={onClear} data-testid={`fee-clear-${tenant.id}`}>
              Clear
            </Button>
          ) : null}
        </div>
      </TableCell>
    </TableRow>
  );
}
