import * as React from 'react';
import { useFeePreview } from '@/api/fees';
import type { Tenant } from '@/api/types';
import { SelectField, TextField } from '@/components/form-field';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { FieldHint } from '@/components/ui/label';
import { ErrorState, Spinner } from '@/components/ui/states';
import { Table, TableBody, TableCell, TableHeadings, TableRow } from '@/components/ui/table';
import { commonCurrencies, formatMoney, parseMoney } from '@/lib/money';

/** "A $100.00 card payment → …", by the server's own fee computation for the chosen tenant. */
export function WorkedExample({ tenants }: { tenants: Tenant[] }) {
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
              <TableHeadings
                columns={[
                  '',
                  { label: 'Standard-like (direct charge)', right: true },
                  { label: 'Express-like (destination charge)', right: true },
                ]}
              />
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
