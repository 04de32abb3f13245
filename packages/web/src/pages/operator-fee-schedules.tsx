import { Building2 } from 'lucide-react';
import * as React from 'react';
import {
  type FeeScheduleValues,
  formatPercent,
  hasOverride,
  noOverride,
  type PlatformFeeSchedule,
  type TenantFeeSchedule,
  useFeePreview,
  usePlatformFeeSchedule,
  useSetFeeOverride,
  useTenantFeeSchedules,
} from '@/api/fees';
import { useCursorPagination } from '@/api/pagination';
import { useTenantPage } from '@/api/tenants';
import type { Tenant } from '@/api/types';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { DetailRow } from '@/components/detail-row';
import { FeeOverrideDialog, formatAmounts } from '@/components/fee-override-dialog';
import { SelectField, TextField } from '@/components/form-field';
import { ListCard } from '@/components/list-card';
import { PageHeader } from '@/components/page-header';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { FieldHint } from '@/components/ui/label';
import { EmptyState, ErrorState, LoadingBlock, Spinner } from '@/components/ui/states';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { commonCurrencies, formatMoney, parseMoney } from '@/lib/money';

// The operator's view of the application fee (issue 8): the platform default from PLATFORM_FEE_*, each
// tenant's override (set, change, clear), and a worked example computed by the server.

const fields = [
  ['percent_bps', 'Percent'],
  ['fixed', 'Fixed'],
  ['min', 'Minimum'],
  ['max', 'Maximum'],
  ['pass_through_stripe_fee', 'Pass-through'],
] as const;

function show(field: keyof FeeScheduleValues, s: FeeScheduleValues): string {
  if (field === 'percent_bps') return formatPercent(s.percent_bps);
  if (field === 'pass_through_stripe_fee') return s.pass_through_stripe_fee ? 'Yes' : 'No';
  return formatAmounts(s[field]);
}

function DefaultCard({ defaults }: { defaults: PlatformFeeSchedule }) {
  const pricing = defaults.stripe_pricing;
  return (
    <Card className="mb-4" data-testid="fee-default">
      <CardHeader>
        <div>
          <CardTitle>Platform default</CardTitle>
          <CardDescription>
            Every tenant without an override pays this. Set by <code>PLATFORM_FEE_*</code> in the server's
            environment.
          </CardDescription>
        </div>
      </CardHeader>
      <CardContent>
        <dl className="max-w-md">
          {fields.map(([f, label]) => (
            <DetailRow key={f} label={label} testId={`fee-default-${f}`}>
              {show(f, defaults)}
            </DetailRow>
          ))}
          <DetailRow label="Stripe's price (estimate)" testId="fee-default-stripe">
            {formatPercent(pricing.percent_bps)}
            {Object.keys(pricing.fixed).length ? ` + ${formatAmounts(pricing.fixed)}` : ''}
          </DetailRow>
        </dl>
      </CardContent>
    </Card>
  );
}

function TenantRow({
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
        fields.map(([f]) => {
          const own = s.override?.[f] != null;
          return (
            <TableCell
              key={f}
              data-testid={`fee-${f}`}
              data-override={String(own)}
              className="whitespace-nowrap"
            >
              {show(f, s)}
              {own ? (
                <Badge variant="warning" className="ml-1.5">
                  override
                </Badge>
              ) : null}
            </TableCell>
          );
        })
      ) : (
        <TableCell colSpan={fields.length}>
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

function TenantsTable({ tenants, defaults }: { tenants: Tenant[]; defaults: FeeScheduleValues }) {
  const schedules = useTenantFeeSchedules(tenants.map((t) => t.id));
  const [editing, setEditing] = React.useState<{ tenant: Tenant; schedule: TenantFeeSchedule } | null>(null);
  const [clearing, setClearing] = React.useState<Tenant | null>(null);
  return (
    <>
      <Table data-testid="fee-schedules-table">
        <TableHeader>
          <TableRow className="hover:bg-transparent">
            <TableHead>Tenant</TableHead>
            {fields.map(([f, label]) => (
              <TableHead key={f}>{label}</TableHead>
            ))}
            <TableHead className="text-right">Override</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {tenants.map((tenant, i) => (
            <TenantRow
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
      {clearing ? <ClearDialog tenant={clearing} onClose={() => setClearing(null)} /> : null}
    </>
  );
}

function ClearDialog({ tenant, onClose }: { tenant: Tenant; onClose: () => void }) {
  const clear = useSetFeeOverride(tenant.id);
  return (
    <ConfirmDialog
      open
      title="Clear the override?"
      description={`${tenant.name} goes back to the platform default on its next payments; payments already made keep their fees.`}
      confirmLabel="Clear override"
      destructive
      pending={clear.isPending}
      error={clear.error}
      testId="confirm-fee-clear"
      onConfirm={() => clear.mutate(noOverride, { onSuccess: onClose })}
      onCancel={onClose}
    />
  );
}

/** "A $100.00 card payment → …", by the server's own fee computation for the chosen tenant. */
function WorkedExample({ tenants }: { tenants: Tenant[] }) {
  const [tenantId, setTenantId] = React.useState<string | null>(null);
  const [amountText, setAmountText] = React.useState('100.00');
  const [currency, setCurrency] = React.useState('usd');
  const chosen = tenants.find((t) => t.id === tenantId) ?? tenants[0] ?? null;
  const amount = parseMoney(amountText, currency);
  const valid = amount !== null && amount <= 99_999_999;
  const preview = useFeePreview(chosen?.id ?? null, valid ? amount : null, currency);
  const p = preview.data;
  const m = (n: number) => formatMoney(n, p?.currency ?? currency);
  return (
    <Card className="mt-4" data-testid="fee-example">
      <CardHeader>
        <div>
          <CardTitle>Worked example</CardTitle>
          <CardDescription>
            What one card payment costs under a tenant's schedule, computed by the server exactly as it
            computes a real charge's fees.
          </CardDescription>
        </div>
      </CardHeader>
      <CardContent className="space-y-4">
        <div className="grid gap-3 sm:grid-cols-3">
          <SelectField
            id="fee-example-tenant"
            label="Tenant"
            dense
            value={chosen?.id ?? ''}
            onChange={(e) => setTenantId(e.target.value)}
          >
            {tenants.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </SelectField>
          <TextField
            id="fee-example-amount"
            label="Amount"
            dense
            inputMode="decimal"
            aria-invalid={!valid}
            value={amountText}
            onChange={(e) => setAmountText(e.target.value)}
          />
          <SelectField
            id="fee-example-currency"
            label="Currency"
            dense
            value={currency}
            onChange={(e) => setCurrency(e.target.value)}
          >
            {commonCurrencies.map((c) => (
              <option key={c} value={c}>
                {c.toUpperCase()}
              </option>
            ))}
          </SelectField>
        </div>
        {!valid ? (
          <FieldHint className="text-destructive">Type an amount like 100.00.</FieldHint>
        ) : preview.error ? (
          <ErrorState error={preview.error} onRetry={() => void preview.refetch()} />
        ) : !p ? (
          <Spinner />
        ) : (
          <div className="space-y-3 text-sm" aria-busy={preview.isFetching}>
            <p data-testid="fee-example-summary">
              A {m(p.amount)} card payment → platform fee{' '}
              <strong data-testid="fee-example-platform-fee">{m(p.standard.platform_fee)}</strong>; Stripe's
              fee about {m(p.standard.stripe_fee)}.
            </p>
            <Table>
              <TableHeader>
                <TableRow className="hover:bg-transparent">
                  <TableHead />
                  <TableHead className="text-right">Standard-like (direct charge)</TableHead>
                  <TableHead className="text-right">Express-like (destination charge)</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {(
                  [
                    ['application_fee', 'Application fee'],
                    ['stripe_fee', "Stripe's fee, paid by"],
                    ['tenant_net', 'Tenant nets'],
                    ['platform_net', 'Platform nets'],
                  ] as const
                ).map(([f, label]) => (
                  <TableRow key={f}>
                    <TableCell className="text-muted-foreground">{label}</TableCell>
                    {(['standard', 'express'] as const).map((kind) => (
                      <TableCell
                        key={kind}
                        className="text-right tabular-nums"
                        data-testid={`fee-example-${kind}-${f}`}
                      >
                        {m(p[kind][f])}
                        {f === 'stripe_fee'
                          ? p[kind].stripe_fee_payer === 'account'
                            ? ', the tenant'
                            : ', the platform'
                          : ''}
                      </TableCell>
                    ))}
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            <FieldHint>
              Stripe's fee is estimated from <code>STRIPE_PRICING_*</code>; a settled payment carries the real
              one.
            </FieldHint>
          </div>
        )}
      </CardContent>
    </Card>
  );
}

export function OperatorFeeSchedulesPage() {
  const defaults = usePlatformFeeSchedule();
  const pagination = useCursorPagination(20);
  const tenants = useTenantPage(pagination.params);
  return (
    <>
      <PageHeader
        title="Fee schedules"
        description="The application fee the platform takes on each tenant's payments: one default, and overrides per tenant."
      />
      {defaults.isPending ? (
        <LoadingBlock label="Loading the platform default" />
      ) : defaults.error ? (
        <ErrorState error={defaults.error} onRetry={() => void defaults.refetch()} />
      ) : (
        <>
          <DefaultCard defaults={defaults.data} />
          <ListCard
            query={tenants}
            title="Tenants"
            loadingLabel="Loading tenants"
            pagination={pagination}
            empty={<EmptyState icon={<Building2 />} title="No tenants yet" />}
          >
            {(rows) => <TenantsTable tenants={rows} defaults={defaults.data} />}
          </ListCard>
          {tenants.data?.data.length ? <WorkedExample tenants={tenants.data.data} /> : null}
        </>
      )}
    </>
  );
}
