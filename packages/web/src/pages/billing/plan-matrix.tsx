import { Check, Minus } from 'lucide-react';
import * as React from 'react';
import type { TenantBilling } from '@/api/billing';
import { useChoosablePlans } from '@/api/plan-change';
import type { Plan, PlanInterval } from '@/api/plans';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Select } from '@/components/ui/select';
import { ErrorState, LoadingBlock } from '@/components/ui/states';
import { formatQuantity, metricLabel } from '@/lib/metrics';
import { formatMoney } from '@/lib/money';
import { cn, formatTimestamp } from '@/lib/utils';

// The plans the tenant may choose, side by side: a column per plan, rows for the price per month or year in
// the tenant's currency, each limit (soft or hard, "Unlimited" where the plan sets none) and each feature.
// The current plan and a change waiting for the period's end are marked; owners and admins choose.

export const featureLabel = (key: string) => key.replaceAll('_', ' ').replace(/^./, (c) => c.toUpperCase());

export const intervalWord = (i: PlanInterval) => (i === 'year' ? 'yearly' : 'monthly');

/** The currencies the plans are sold in, the most used first. */
function currenciesOf(plans: Plan[]): string[] {
  const counts = new Map<string, number>();
  for (const p of plans)
    for (const pr of p.prices) counts.set(pr.currency, (counts.get(pr.currency) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([c]) => c);
}

const priceOf = (plan: Plan, currency: string | null, interval: PlanInterval) =>
  plan.prices.find((p) => p.active && p.currency === currency && p.interval === interval) ?? null;

/** What a plan costs a month in the currency, to order the columns (free first, unsold last). */
function monthly(plan: Plan, currency: string | null): number {
  if (plan.free) return -1;
  const m = priceOf(plan, currency, 'month');
  const y = priceOf(plan, currency, 'year');
  return m ? m.unit_amount : y ? y.unit_amount / 12 : Number.MAX_SAFE_INTEGER;
}

function LimitCell({ plan, metric, currency }: { plan: Plan; metric: string; currency: string | null }) {
  const limits = plan.limits.filter((l) => l.metric === metric);
  const l = limits.find((x) => x.currency === null || x.currency === currency) ?? limits[0];
  if (!l) return <span className="text-muted-foreground">Unlimited</span>;
  return (
    <span className="inline-flex items-center gap-2">
      <span className="tabular-nums">{formatQuantity(l.limit, l.currency)}</span>
      <Badge variant={l.enforcement === 'hard' ? 'outline' : 'secondary'}>
        {l.enforcement === 'hard' ? 'Hard' : 'Soft'}
      </Badge>
    </span>
  );
}

/** A paid plan chosen at an interval, in the currency the tenant is to be billed in. */
export type Choice = { plan: Plan; interval: PlanInterval; currency: string };

export function PlanMatrix({
  tenantId,
  billing,
  manage,
  onChoose,
  onCancel,
}: {
  tenantId: string;
  billing: TenantBilling;
  manage: boolean;
  onChoose: (choice: Choice) => void;
  /** the free default plan chosen: the paid plan ends at the period's end */
  onCancel: () => void;
}) {
  const plans = useChoosablePlans(tenantId);
  const [interval, pickInterval] = React.useState<PlanInterval>(billing.interval ?? 'month');
  // a tenant billed in a currency sees it; one with no paid plan yet picks among the plans' currencies
  const [picked, pickCurrency] = React.useState<string | null>(null);
  if (plans.isPending) return <LoadingBlock label="Loading the plans" />;
  if (plans.error) return <ErrorState error={plans.error} onRetry={() => void plans.refetch()} />;
  const list = plans.data.data;
  if (list.length === 0) return null;
  const currencies = currenciesOf(list);
  const currency = billing.currency ?? picked ?? currencies[0] ?? null;
  const columns = [...list].sort((a, b) => monthly(a, currency) - monthly(b, currency));
  const metrics = [...new Set(list.flatMap((p) => p.limits.map((l) => l.metric)))].sort();
  const features = [...new Set(list.flatMap((p) => Object.keys(p.features)))].sort();
  const paid = billing.currency !== null;
  const pending = billing.pending_change;

  const action = (plan: Plan) => {
    if (!manage) return null;
    const current = plan.id === billing.plan?.id;
    if (plan.free) {
      if (current || !plan.is_default || !paid || billing.cancel_at_period_end) return null;
      return { label: 'Choose', run: onCancel };
    }
    if (!currency || !priceOf(plan, currency, interval)) return null;
    if (current && billing.interval === interval) return null;
    if (pending?.plan.id === plan.id && pending.interval === interval) return null;
    return {
      label: current ? `Switch to ${intervalWord(interval)}` : 'Choose',
      run: () => onChoose({ plan, interval, currency }),
    };
  };

  return (
    <Card data-testid="plan-matrix">
      <CardHeader className="flex flex-row flex-wrap items-start justify-between gap-4">
        <div>
          <CardTitle>Plans</CardTitle>
          <CardDescription>
            {manage
              ? 'Compare the plans and choose one: you see what it costs before anything changes.'
              : 'Compare the plans. Owners and admins can change yours.'}
          </CardDescription>
        </div>
        <div className="flex items-center gap-2">
          {billing.currency === null && currencies.length > 1 ? (
            <Select
              aria-label="Currency"
              data-testid="plan-currency"
              value={currency ?? ''}
              onChange={(e) => pickCurrency(e.target.value)}
            >
              {currencies.map((c) => (
                <option key={c} value={c}>
                  {c.toUpperCase()}
                </option>
              ))}
            </Select>
          ) : null}
          <fieldset className="inline-flex rounded-md border p-0.5" aria-label="Billing interval">
            {(['month', 'year'] as const).map((i) => (
              <Button
                key={i}
                size="sm"
                variant={interval === i ? 'secondary' : 'ghost'}
                aria-pressed={interval === i}
                data-testid={`plan-interval-${i}`}
                onClick={() => pickInterval(i)}
              >
                {i === 'month' ? 'Monthly' : 'Yearly'}
              </Button>
            ))}
          </fieldset>
        </div>
      </CardHeader>
      <CardContent>
        <div className="w-full overflow-x-auto">
          <table className="w-full text-sm">
            <thead>
              <tr className="border-b">
                <th className="px-3 py-2 text-left font-medium text-muted-foreground">
                  <span className="sr-only">Plan</span>
                </th>
                {columns.map((p) => (
                  <th
                    key={p.id}
                    scope="col"
                    className={cn(
                      'px-3 py-2 text-left align-top',
                      p.id === billing.plan?.id && 'bg-accent/40',
                    )}
                    data-testid={`plan-col-${p.lookup_key}`}
                    data-current={p.id === billing.plan?.id}
                  >
                    <div className="font-semibold">{p.name}</div>
                    <div className="mt-1 flex flex-wrap gap-1">
                      {p.id === billing.plan?.id ? (
                        <Badge variant="success" data-testid="plan-current">
                          Current plan
                          {billing.interval && !p.free ? `, ${intervalWord(billing.interval)}` : ''}
                        </Badge>
                      ) : null}
                      {pending && p.id === pending.plan.id ? (
                        <Badge variant="warning" data-testid="plan-pending">
                          From {formatTimestamp(pending.effective_at, false)}
                        </Badge>
                      ) : null}
                    </div>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y">
              <tr data-testid="plan-row-price">
                <th scope="row" className="px-3 py-2 text-left font-medium text-muted-foreground">
                  Price
                </th>
                {columns.map((p) => {
                  const price = priceOf(p, currency, interval);
                  return (
                    <td key={p.id} className="px-3 py-2" data-testid={`plan-price-${p.lookup_key}`}>
                      {p.free ? (
                        'Free'
                      ) : price && currency ? (
                        <span className="tabular-nums">
                          {formatMoney(price.unit_amount, currency)} / {interval}
                        </span>
                      ) : (
                        <span className="text-muted-foreground">
                          Not sold{' '}
                          {p.prices.some((x) => x.currency === currency)
                            ? intervalWord(interval)
                            : `in ${currency?.toUpperCase() ?? 'your currency'}`}
                        </span>
                      )}
                    </td>
                  );
                })}
              </tr>
              {metrics.map((m) => (
                <tr key={m} data-testid={`plan-row-${m}`}>
                  <th scope="row" className="px-3 py-2 text-left font-medium text-muted-foreground">
                    {metricLabel(m)}
                  </th>
                  {columns.map((p) => (
                    <td key={p.id} className="px-3 py-2" data-testid={`plan-limit-${p.lookup_key}-${m}`}>
                      <LimitCell plan={p} metric={m} currency={currency} />
                    </td>
                  ))}
                </tr>
              ))}
              {features.map((f) => (
                <tr key={f} data-testid={`plan-row-feature-${f}`}>
                  <th scope="row" className="px-3 py-2 text-left font-medium text-muted-foreground">
                    {featureLabel(f)}
                  </th>
                  {columns.map((p) => (
                    <td
                      key={p.id}
                      className="px-3 py-2"
                      data-testid={`plan-feature-${p.lookup_key}-${f}`}
                      data-included={p.features[f] === true}
                    >
                      {p.features[f] ? (
                        <Check className="size-4 text-success" aria-label="Included" />
                      ) : (
                        <Minus className="size-4 text-muted-foreground" aria-label="Not included" />
                      )}
                    </td>
                  ))}
                </tr>
              ))}
              {manage ? (
                <tr>
                  <td />
                  {columns.map((p) => {
                    const a = action(p);
                    return (
                      <td key={p.id} className="px-3 py-3">
                        {a ? (
                          <Button size="sm" data-testid={`plan-choose-${p.lookup_key}`} onClick={a.run}>
                            {a.label}
                          </Button>
                        ) : null}
                      </td>
                    );
                  })}
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
      </CardContent>
    </Card>
  );
}
