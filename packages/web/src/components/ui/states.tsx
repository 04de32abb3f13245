import { LoaderCircle } from 'lucide-react';
import type * as React from 'react';
import { ApiError, errorMessage } from '@/api/client';
import { cn } from '@/lib/utils';
import { Alert } from './alert';
import { Button } from './button';

export function Spinner({ className, label = 'Loading' }: { className?: string; label?: string }) {
  return (
    <span
      role="status"
      className={cn('inline-flex items-center gap-2 text-sm text-muted-foreground', className)}
    >
      <LoaderCircle className="size-4 animate-spin" aria-hidden="true" />
      {label}…
    </span>
  );
}

export function LoadingBlock({ label }: { label?: string }) {
  return (
    <div className="flex min-h-32 items-center justify-center p-6">
      <Spinner label={label} />
    </div>
  );
}

export function Skeleton({ className }: { className?: string }) {
  return <div className={cn('animate-pulse rounded-md bg-muted', className)} />;
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  // a missing object stays missing: say so, with nothing to retry
  if (error instanceof ApiError && error.status === 404) {
    return (
      <div className="p-4" data-testid="not-found-state">
        <Alert title="Not found">
          <p>{errorMessage(error)}</p>
          <p className="text-muted-foreground">It may have been deleted, or the link is wrong.</p>
        </Alert>
      </div>
    );
  }
  return (
    <div className="p-4">
      <Alert variant="destructive" title="Something went wrong">
        <p>{errorMessage(error)}</p>
        {onRetry ? (
          <Button variant="outline" size="sm" className="mt-2" onClick={onRetry}>
            Try again
          </Button>
        ) : null}
      </Alert>
    </div>
  );
}

export function EmptyState({
  icon,
  title,
  description,
  action,
}: {
  icon?: React.ReactNode;
  title: string;
  description?: string;
  action?: React.ReactNode;
}) {
  return (
    <div className="flex flex-col items-center justify-center gap-2 px-6 py-12 text-center">
      {icon ? (
        <div className="mb-1 rounded-full bg-muted p-3 text-muted-foreground [&_svg]:size-5">{icon}</div>
      ) : null}
      <p className="font-medium">{title}</p>
      {description ? <p className="max-w-sm text-sm text-muted-foreground">{description}</p> : null}
      {action ? <div className="mt-2">{action}</div> : null}
    </div>
  );
}
