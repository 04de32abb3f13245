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
