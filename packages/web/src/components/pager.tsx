import { ChevronLeft, ChevronRight } from 'lucide-react';
import type { CursorPagination } from '@/api/pagination';
import { Button } from '@/components/ui/button';

/** The list query a pager follows: its page of rows and whether it is loading one. */
interface PagedQuery {
  data?: { has_more: boolean; data: readonly { id: string }[] };
  isFetching: boolean;
}

/**
 * The "Page n · Previous · Next" footer under a cursor-paginated table showing `query`'s page: Next starts
 * after its last row; both buttons wait while a page loads.
 */
export function Pager({
  pagination,
  query,
  previousTestId,
  nextTestId,
}: {
  pagination: CursorPagination;
  query: PagedQuery;
  previousTestId?: string;
  nextTestId?: string;
}) {
  const fetching = query.isFetching;
  const lastId = query.data?.data.at(-1)?.id;
  return (
    <div className="flex items-center justify-between border-t px-4 py-3 text-sm text-muted-foreground">
      <span>Page {pagination.page}</span>
      <div className="flex gap-2">
        <Button
          variant="outline"
          size="sm"
          data-testid={previousTestId}
          disabled={!pagination.hasPrevious || fetching}
          onClick={pagination.previous}
        >
          <ChevronLeft aria-hidden="true" />
          Previous
        </Button>
        <Button
          variant="outline"
          size="sm"
          data-testid={nextTestId}
          disabled={!query.data?.has_more || fetching}
          onClick={() => {
            if (lastId) pagination.next(lastId);
          }}
        >
          Next
          <ChevronRight aria-hidden="true" />
        </Button>
      </div>
    </div>
  );
}
