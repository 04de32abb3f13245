import { Layers, Plus } from 'lucide-react';
import * as React from 'react';
import { type Plan, useArchivePlan, usePlans } from '@/api/plans';
import { PageHeader } from '@/components/page-header';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Checkbox } from '@/components/ui/checkbox';
import { Label } from '@/components/ui/label';
import { EmptyState, ErrorState, LoadingBlock } from '@/components/ui/states';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { formatMoney } from '@/lib/money';
import { PlanFormDialog } from './plan-form-dialog';
import { RatesCard } from './rates-card';

// The operator's plans catalogue: the plans tenants are billed on, their prices, limits and features; the
// exchange rates payment volume is counted with (docs/platform-billing.md, "Plans").

const priceText = (plan: Plan) =>
  plan.prices
    .filter((p) => p.active)
    .map((p) => `${formatMoney(p.unit_amount, p.currency)}/${p.interval === 'month' ? 'mo' : 'yr'}`)
    .join(', ') || 'Free';

export function OperatorPlansPage() {
  const [archived, setArchived] = React.useState(false);
  const plans = usePlans(archived);
  const archive = useArchivePlan();
  const [editing, setEditing] = React.useState<Plan | 'new' | null>(null);
  return (
    <>
      <PageHeader
        title="Plans"
        description="What the platform bills its tenants: prices per currency, limits per metric, features."
        actions={
          <Button data-testid="plan-create" onClick={() => setEditing('new')}>
            <Plus aria-hidden="true" />
            New plan
          </Button>
        }
      />
      <Card>
        <div className="flex justify-end px-4 pt-3">
          <Label className="flex items-center gap-2 text-xs font-normal text-muted-foreground">
            <Checkbox
              data-testid="plans-archived"
              checked={archived}
              onChange={(e) => setArchived(e.target.checked)}
            />
            Archived plans
          </Label>
        </div>
        {plans.isPending ? (
          <LoadingBlock label="Loading plans" />
        ) : plans.error ? (
          <ErrorState error={plans.error} onRetry={() => void plans.refetch()} />
        ) : plans.data.data.length === 0 ? (
          <EmptyState icon={<Layers />} title={archived ? 'No archived plans' : 'No plans yet'} />
        ) : (
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Plan</TableHead>
                <TableHead>Prices</TableHead>
                <TableHead>Limits</TableHead>
                <TableHead>Features</TableHead>
                <TableHead />
              </TableRow>
            </TableHeader>
            <TableBody>
              {plans.data.data.map((plan) => (
                <TableRow key={plan.id} data-testid={`plan-row-${plan.lookup_key}`}>
                  <TableCell>
                    <div className="font-medium">{plan.name}</div>
                    <div className="flex gap-1 pt-1">
                      <Badge variant="outline">{plan.lookup_key}</Badge>
                      {plan.is_default ? <Badge>default</Badge> : null}
                      {!plan.public ? <Badge variant="secondary">hidden</Badge> : null}
                      {plan.archived ? <Badge variant="warning">archived</Badge> : null}
                    </div>
                  </TableCell>
                  <TableCell data-testid={`plan-prices-${plan.lookup_key}`}>{priceText(plan)}</TableCell>
                  <TableCell className="text-xs">
                    {plan.limits
                      .map(
                        (l) =>
                          `${l.metric}${l.currency ? ` ${l.currency.toUpperCase()}` : ''} ${l.limit} (${l.enforcement})`,
                      )
                      .join('; ') || '—'}
                  </TableCell>
                  <TableCell className="text-xs">
                    {Object.entries(plan.features)
                      .filter(([, on]) => on)
                      .map(([k]) => k)
                      .join(', ') || '—'}
                  </TableCell>
                  <TableCell className="text-right whitespace-nowrap">
                    {!plan.archived ? (
                      <>
                        <Button
                          variant="ghost"
                          size="sm"
                          data-testid={`plan-edit-${plan.lookup_key}`}
                          onClick={() => setEditing(plan)}
                        >
                          Edit
                        </Button>
                        <Button
                          variant="ghost-destructive"
                          size="sm"
                          disabled={plan.is_default || archive.isPending}
                          data-testid={`plan-archive-${plan.lookup_key}`}
                          onClick={() => archive.mutate(plan.id)}
                        >
                          Archive
                        </Button>
                      </>
                    ) : null}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Card>
      <RatesCard />
      {editing ? (
        <PlanFormDialog plan={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
      ) : null}
    </>
  );
}
