import type { EventAttempt } from '@/api/events';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { formatTimestamp } from '@/lib/utils';
import { EventStatusBadge } from './event-status';

/** Each processing attempt: when, how long, the outcome and its error. */
export function AttemptHistory({ attempts }: { attempts: EventAttempt[] }) {
  return (
    <div className="space-y-1.5">
      <p className="text-sm font-medium">Attempt history</p>
      <Table data-testid="event-attempt-history">
        <TableHeader>
          <TableRow className="hover:bg-transparent">
            <TableHead className="w-10">#</TableHead>
            <TableHead>Started</TableHead>
            <TableHead className="text-right">Duration</TableHead>
            <TableHead>Outcome</TableHead>
            <TableHead>Error</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {attempts.map((a) => (
            <TableRow
              // replays restart the count, so the start time is part of an attempt's identity
              key={`${a.started_at}-${a.attempt}-${a.outcome}-${a.duration_ms}`}
              data-testid={`event-attempt-${a.attempt}`}
              data-outcome={a.outcome}
            >
              <TableCell className="tabular-nums">{a.attempt}</TableCell>
              <TableCell className="whitespace-nowrap">{formatTimestamp(a.started_at)}</TableCell>
              <TableCell className="text-right tabular-nums">{a.duration_ms} ms</TableCell>
              <TableCell>
                <EventStatusBadge status={a.outcome} />
              </TableCell>
              <TableCell className="max-w-64">
                {a.error ? (
                  <code className="block truncate font-mono text-xs" title={a.error}>
                    {a.error}
                  </code>
                ) : (
                  <span className="text-muted-foreground">—</span>
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
