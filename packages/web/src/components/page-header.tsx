import { Link } from '@tanstack/react-router';
import { ArrowLeft } from 'lucide-react';
import type * as React from 'react';

export function PageHeader({
  title,
  description,
  actions,
}: {
  title: string;
  description?: React.ReactNode;
  actions?: React.ReactNode;
}) {
  return (
    <div className="mb-6 flex flex-wrap items-end justify-between gap-4">
      <div className="min-w-0">
        <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
        {description ? <p className="mt-1 text-sm text-muted-foreground">{description}</p> : null}
      </div>
      {actions ? <div className="flex items-center gap-2">{actions}</div> : null}
    </div>
  );
}

export function ReadOnlyNotice({ what }: { what: string }) {
  return (
    <p
      className="mb-4 rounded-md border bg-muted/50 px-3 py-2 text-sm text-muted-foreground"
      data-testid="read-only-notice"
    >
      You have read-only access: only owners and admins can {what}.
    </p>
  );
}

/** "← Payments" above a detail page: back to the tenant's list it was opened from. */
export function BackLink({
  tenantId,
  to,
  children,
}: {
  tenantId: string;
  to: '/tenants/$tenantId/payments' | '/tenants/$tenantId/customers';
  children: React.ReactNode;
}) {
  return (
    <Link
      to={to}
      params={{ tenantId }}
      className="mb-3 inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground"
    >
      <ArrowLeft className="size-4" aria-hidden="true" /> {children}
    </Link>
  );
}
