import type { EventAttempt } from '@/api/events';
import { Table, TableBody, TableCell, TableHeadings, TableRow } from '@/components/ui/table';
import { formatTimestamp } from '@/lib/utils';
import { EventStatusBadge } from './event-status';

/** Each processing attempt: when, how long, the outcome and its error. */
export function AttemptHistory({ attempts }: { attempts: EventAttempt[] }) {
  return (
    <div className="space-y-1.5">
      <p className="text-sm font-medium">Attempt history</p>
      <Table data-testid="event-attempt-history">
        <TableHeadings
          columns={[
            { label: '#', className: 'w-10' },
            'Started',
            { label: 'Duration', right: true },
            'Outcome',
            'Error',
          ]}
        />
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
