import { ChevronLeft, ChevronRight } from 'lucide-react';
import type { CursorPagination } from '@/api/pagination';
import { Button } from '@/components/ui/button';

/**
 * The "Page n · Previous · Next" footer under a cursor-paginated table.
 * `lastId` is the id of the last row shown (the next page's `starting_after`);
 * `fetching` disables both buttons while a page loads.
 */
export function Pager({
  pagination,
  hasMore,
  lastId,
  fetching = false,
  previousTestId,
  nextTestId,
}: {
  pagination: CursorPagination;
  hasMore: boolean | undefined;
  lastId: string | undefined;
  fetching?: boolean;
  previousTestId?: string;
  nextTestId?: string;
}) {
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
          disabled={!hasMore || fetching}
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
