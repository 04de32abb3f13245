import { Link } from '@tanstack/react-router';
import { ArrowRight, Circle, CircleCheck, KeyRound, Users } from 'lucide-react';
import type * as React from 'react';
import { useApiKeys } from '@/api/api-keys';
import { useAuditLog } from '@/api/audit-log';
import { useMembers } from '@/api/members';
import { useSession, useTenantRole } from '@/api/session';
import { useTenant } from '@/api/tenants';
import { PageHeader } from '@/components/page-header';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { Skeleton } from '@/components/ui/states';
import { formatRelative, formatTimestamp } from '@/lib/utils';
import { ActorLabel } from './audit-log';
import { DeadLetterNotice } from './events/dead-letter-notice';
import { HeadlineCards } from './headline-cards';

/** A count on the overview, with a link to the tenant's page that manages it. */
function Stat({
  label,
  value,
  icon,
  tenantId,
  to,
  linkLabel,
}: {
  label: string;
  value: number | undefined;
  icon: React.ReactNode;
  tenantId: string;
  to: '/tenants/$tenantId/team' | '/tenants/$tenantId/api-keys';
  linkLabel: string;
}) {
  return (
    <Card>
      <CardContent className="flex items-start justify-between gap-4">
        <div>
          <p className="text-sm text-muted-foreground">{label}</p>
          {value === undefined ? (
            <Skeleton className="mt-2 h-7 w-12" />
          ) : (
            <p className="mt-1 text-2xl font-semibold tabular-nums">{value}</p>
          )}
          <div className="mt-2 text-sm">
            <Link
              to={to}
              params={{ tenantId }}
              className="inline-flex items-center gap-1 text-primary hover:underline"
            >
              {linkLabel} <ArrowRight className="size-3.5" aria-hidden="true" />
            </Link>
          </div>
        </div>
        <div className="rounded-md bg-accent p-2 text-accent-foreground [&_svg]:size-4">{icon}</div>
      </CardContent>
    </Card>
  );
}

function Step({ done, children }: { done: boolean; children: React.ReactNode }) {
  return (
    <li className="flex items-center gap-3 py-2 text-sm">
      {done ? (
        <CircleCheck className="size-4 text-success" aria-label="Done" />
      ) : (
        <Circle className="size-4 text-muted-foreground" aria-label="To do" />
      )}
      <span className={done ? 'text-muted-foreground line-through' : undefined}>{children}</span>
    </li>
  );
}

export function OverviewPage({ tenantId }: { tenantId: string }) {
  const tenant = useTenant(tenantId);
  const role = useTenantRole(tenantId);
  const selfIsMember = useSession().data?.memberships.some((m) => m.tenant.id === tenantId) ?? false;
  const members = useMembers(tenantId);
  const keys = useApiKeys(tenantId);
  const recent = useAuditLog(tenantId, { limit: 5 });
  const isOperator = useSession().data?.user.is_operator ?? false;

  const activeKeys = keys.data?.data.filter((k) => !k.revoked_at).length;
  const memberCount = members.data?.data.length;

  return (
    <>
      <PageHeader
        title={tenant.data?.name ?? 'Overview'}
        description={
          <span className="inline-flex flex-wrap items-center gap-2">
            <code className="font-mono text-xs">{tenantId}</code>
            {role ? (
              <Badge variant="secondary" className="capitalize">
                {role}
              </Badge>
            ) : null}
            {tenant.data ? <span>Created {formatTimestamp(tenant.data.created, false)}</span> : null}
          </span>
        }
      />
      {isOperator ? <DeadLetterNotice /> : null}
      {
        // every dashboard role holds `analytics:read` (members read everything: scope/scopes.ts on the
        // server); the cards also hide themselves when the answers refuse the caller
        role ? <HeadlineCards scope={{ kind: 'tenant', tenantId }} /> : null
      }
      <div className="grid gap-4 sm:grid-cols-2">
        <Stat
          label="Team members"
          value={memberCount}
          icon={<Users />}
          tenantId={tenantId}
          to="/tenants/$tenantId/team"
          linkLabel="Manage team"
        />
        <Stat
          label="Active API keys"
          value={activeKeys}
          icon={<KeyRound />}
          tenantId={tenantId}
          to="/tenants/$tenantId/api-keys"
          linkLabel="View keys"
        />
      </div>

      <div className="mt-6 grid gap-6 lg:grid-cols-[1fr_2fr]">
        <Card>
          <CardHeader>
            <CardTitle>Get started</CardTitle>
          </CardHeader>
          <CardContent className="py-2">
            <ul className="divide-y">
              <Step done={(memberCount ?? 0) > (selfIsMember ? 1 : 0)}>Invite a teammate</Step>
              <Step done={(keys.data?.data.length ?? 0) > 0}>Create an API key</Step>
              <Step done={Boolean(tenant.data?.settings.support_email)}>Set a support email</Step>
            </ul>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Recent activity</CardTitle>
            <Link
              to="/tenants/$tenantId/audit-log"
              params={{ tenantId }}
              className="text-sm text-primary hover:underline"
            >
              View all
            </Link>
          </CardHeader>
          <CardContent className="py-2">
            {recent.isPending ? (
              <div className="space-y-2 py-2">
                <Skeleton className="h-5 w-full" />
                <Skeleton className="h-5 w-4/5" />
                <Skeleton className="h-5 w-3/5" />
              </div>
            ) : recent.error ? (
              <p className="py-3 text-sm text-muted-foreground">Activity is unavailable right now.</p>
            ) : recent.data.data.length === 0 ? (
              <p className="py-3 text-sm text-muted-foreground">No activity yet.</p>
            ) : (
              <ul className="divide-y">
                {recent.data.data.map((entry) => (
                  <li
                    key={entry.id}
                    className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm"
                  >
                    <span className="flex min-w-0 items-center gap-3">
                      <code className="font-mono text-xs">{entry.action}</code>
                      <ActorLabel actor={entry.actor} />
                    </span>
                    <span className="text-xs text-muted-foreground" title={formatTimestamp(entry.created)}>
                      {formatRelative(entry.created)}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </CardContent>
        </Card>
      </div>
    </>
  );
}
