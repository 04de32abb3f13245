import { Link } from '@tanstack/react-router';
import { ArrowRight, Building2, Layers } from 'lucide-react';
import type * as React from 'react';
import { usePlans } from '@/api/plans';
import { useTenants } from '@/api/tenants';
import { PageHeader } from '@/components/page-header';
import { Card, CardContent } from '@/components/ui/card';
import { Skeleton } from '@/components/ui/states';
import { DeadLetterNotice } from './events/dead-letter-notice';
import { HeadlineCards } from './headline-cards';

const platformScope = { kind: 'platform' } as const;

/** A count on the operator's home, with a link to the page that manages it. */
function Stat({
  label,
  value,
  icon,
  to,
  linkLabel,
  testId,
}: {
  label: string;
  value: string | undefined;
  icon: React.ReactNode;
  to: '/operator/tenants' | '/operator/plans';
  linkLabel: string;
  testId: string;
}) {
  return (
    <Card data-testid={testId}>
      <CardContent className="flex items-start justify-between gap-4">
        <div>
          <p className="text-sm text-muted-foreground">{label}</p>
          {value === undefined ? (
            <Skeleton className="mt-2 h-7 w-12" />
          ) : (
            <p className="mt-1 text-2xl font-semibold tabular-nums">{value}</p>
          )}
          <div className="mt-2 text-sm">
            <Link to={to} className="inline-flex items-center gap-1 text-primary hover:underline">
              {linkLabel} <ArrowRight className="size-3.5" aria-hidden="true" />
            </Link>
          </div>
        </div>
        <div className="rounded-md bg-accent p-2 text-accent-foreground [&_svg]:size-4">{icon}</div>
      </CardContent>
    </Card>
  );
}

/** The operator's home: the platform's headline figures this month, and the counts it manages. */
export function OperatorOverviewPage() {
  const tenants = useTenants();
  const plans = usePlans(false);
  // the lists come 100 at a time: more than that shows as "100+"
  const count = (list: { data: unknown[]; has_more: boolean } | undefined) =>
    list ? `${list.data.length}${list.has_more ? '+' : ''}` : undefined;
  return (
    <>
      <PageHeader title="Platform overview" description="Your platform this month, at a glance." />
      <DeadLetterNotice />
      <HeadlineCards scope={platformScope} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Stat
          label="Tenants"
          value={count(tenants.data)}
          icon={<Building2 />}
          to="/operator/tenants"
          linkLabel="Manage tenants"
          testId="overview-tenants"
        />
        <Stat
          label="Active plans"
          value={count(plans.data)}
          icon={<Layers />}
          to="/operator/plans"
          linkLabel="Manage plans"
          testId="overview-plans"
        />
      </div>
    </>
  );
}
