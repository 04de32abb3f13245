import type { UseQueryResult } from '@tanstack/react-query';
import type * as React from 'react';
import type { CursorPagination } from '@/api/pagination';
import type { List } from '@/api/types';
import { Pager } from '@/components/pager';
import { Card, CardHeader, CardTitle } from '@/components/ui/card';
import { ErrorState, LoadingBlock } from '@/components/ui/states';
import { cn } from '@/lib/utils';

/**
 * A card holding one API list: loading, error (with retry), the empty state on the first page, else the
 * rows (rendered by `children`) and, when paginated, the pager under them.
 */
export function ListCard<T extends { id: string }>({
  query,
  loadingLabel,
  empty,
  pagination,
  title,
  className,
  children,
}: {
  query: UseQueryResult<List<T>>;
  loadingLabel: string;
  /** an <EmptyState>: shown when the first page is empty */
  empty: React.ReactNode;
  pagination?: CursorPagination;
  /** a heading for the card (a section of a detail page) */
  title?: string;
  className?: string;
  children: (rows: T[]) => React.ReactNode;
}) {
  const rows = query.data?.data ?? [];
  return (
    <Card className={cn(className)}>
      {title ? (
        <CardHeader>
          <CardTitle>{title}</CardTitle>
        </CardHeader>
      ) : null}
      {query.isPending ? (
        <LoadingBlock label={loadingLabel} />
      ) : query.error ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : rows.length === 0 && !pagination?.hasPrevious ? (
        empty
      ) : (
        <>
          {children(rows)}
          {pagination ? <Pager pagination={pagination} query={query} /> : null}
        </>
      )}
    </Card>
  );
}
