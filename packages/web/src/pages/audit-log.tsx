import { ScrollText } from 'lucide-react';
import { useAuditLog } from '@/api/audit-log';
import { useCursorPagination } from '@/api/pagination';
import type { AuditEntry } from '@/api/types';
import { PageHeader } from '@/components/page-header';
import { Pager } from '@/components/pager';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { EmptyState, ErrorState, LoadingBlock } from '@/components/ui/states';
import { Table, TableBody, TableCell, TableHeadings, TableRow } from '@/components/ui/table';
import { formatTimestamp } from '@/lib/utils';

export function ActorLabel({ actor }: { actor: AuditEntry['actor'] }) {
  return (
    <span className="inline-flex items-center gap-2">
      <Badge variant="outline" className="capitalize">
        {actor.type.replace('_', ' ')}
      </Badge>
      <span className="truncate">{actor.label ?? actor.id ?? ''}</span>
    </span>
  );
}

function DataCell({ data }: { data: AuditEntry['data'] }) {
  if (!data || Object.keys(data).length === 0) return <span className="text-muted-foreground">—</span>;
  return (
    <details>
      <summary className="cursor-pointer text-xs text-primary select-none">View data</summary>
      <pre className="mt-2 max-w-md overflow-x-auto rounded bg-muted p-2 font-mono text-xs">
        {JSON.stringify(data, null, 2)}
      </pre>
    </details>
  );
}

export function AuditLogPage({ tenantId }: { tenantId: string }) {
  const pagination = useCursorPagination(25);
  const log = useAuditLog(tenantId, pagination.params);
  const entries = log.data?.data ?? [];

  return (
    <>
      <PageHeader title="Audit log" description="Every change made in this workspace, by whom and when." />
      <Card>
        {log.isPending ? (
          <LoadingBlock label="Loading audit log" />
        ) : log.error ? (
          <ErrorState error={log.error} onRetry={() => void log.refetch()} />
        ) : entries.length === 0 && !pagination.hasPrevious ? (
          <EmptyState
            icon={<ScrollText />}
            title="No activity yet"
            description="Changes to this workspace appear here."
          />
        ) : (
          <>
            <Table data-testid="audit-log-table" aria-busy={log.isFetching}>
              <TableHeadings columns={['Time', 'Action', 'Actor', 'Target', 'Data']} />
              <TableBody>
                {entries.map((entry) => (
                  <TableRow key={entry.id} data-testid={`audit-row-${entry.id}`}>
                    <TableCell className="whitespace-nowrap text-muted-foreground">
                      {formatTimestamp(entry.created)}
                    </TableCell>
                    <TableCell>
                      <code className="font-mono text-xs">{entry.action}</code>
                    </TableCell>
                    <TableCell className="max-w-64">
                      <ActorLabel actor={entry.actor} />
                    </TableCell>
                    <TableCell>
                      {entry.target ? <code className="font-mono text-xs">{entry.target}</code> : '—'}
                    </TableCell>
                    <TableCell>
                      <DataCell data={entry.data} />
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            <Pager pagination={pagination} query={log} />
          </>
        )}
      </Card>
    </>
  );
}
