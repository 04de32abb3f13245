import * as React from 'react';

/**
 * Cursor pagination over `starting_after`: a stack of cursors, so "Previous"
 * returns to exactly the page seen before (no reliance on `ending_before` semantics).
 */
export function useCursorPagination(pageSize = 25) {
  const [stack, setStack] = React.useState<string[]>([]);
  const cursor = stack.at(-1);
  return {
    params: { limit: pageSize, ...(cursor ? { starting_after: cursor } : {}) },
    page: stack.length + 1,
    hasPrevious: stack.length > 0,
    next: (lastId: string) => setStack((s) => [...s, lastId]),
    previous: () => setStack((s) => s.slice(0, -1)),
    reset: () => setStack([]),
  };
}

export type CursorPagination = ReturnType<typeof useCursorPagination>;
