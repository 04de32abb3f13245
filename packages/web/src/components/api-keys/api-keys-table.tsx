import type { ApiKey } from '@/api/types';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Table, TableBody, TableCell, TableHeadings, TableRow } from '@/components/ui/table';
import { cn, formatRelative, formatTimestamp } from '@/lib/utils';

function KeyStatus({ apiKey }: { apiKey: ApiKey }) {
  if (apiKey.revoked_at) {
    return (
      <Badge variant="secondary" title={`Revoked ${formatTimestamp(apiKey.revoked_at)}`}>
        Revoked
      </Badge>
    );
  }
  return <Badge variant="success">Active</Badge>;
}

/** The keys, revoked ones greyed; `canManage` adds a Revoke button to the active ones. */
export function ApiKeysTable({
  keys,
  canManage,
  onRevoke,
}: {
  keys: ApiKey[];
  canManage: boolean;
  onRevoke: (key: ApiKey) => void;
}) {
  return (
    <Table data-testid="api-keys-table">
      <TableHeadings
        columns={[
          'Name',
          'Key',
          'Type',
          'Last used',
          'Created',
          'Status',
          canManage ? { label: 'Actions', hidden: true } : null,
        ]}
      />
      <TableBody>
        {keys.map((key) => (
          <TableRow
            key={key.id}
            data-testid={`api-key-row-${key.id}`}
            data-revoked={key.revoked_at ? 'true' : 'false'}
            className={cn(key.revoked_at && 'text-muted-foreground')}
          >
            <TableCell className="font-medium">{key.name}</TableCell>
            <TableCell>
              <code className="rounded bg-muted px-1.5 py-0.5 font-mono text-xs">{key.prefix}…</code>
            </TableCell>
            <TableCell>
              {key.type === 'secret' ? (
                <span>Secret</span>
              ) : (
                <span title={key.scopes.join(', ')}>
                  Restricted{' '}
                  <span className="text-muted-foreground">
                    ({key.scopes.length} scope{key.scopes.length === 1 ? '' : 's'})
                  </span>
                </span>
              )}
            </TableCell>
            <TableCell className="whitespace-nowrap" title={formatTimestamp(key.last_used_at)}>
              {formatRelative(key.last_used_at)}
            </TableCell>
            <TableCell className="whitespace-nowrap">{formatTimestamp(key.created, false)}</TableCell>
            <TableCell>
              <KeyStatus apiKey={key} />
            </TableCell>
            {canManage ? (
              <TableCell className="text-right">
                {key.revoked_at ? null : (
                  <Button
                    variant="ghost-destructive"
                    size="sm"
                    data-testid={`revoke-api-key-${key.id}`}
                    aria-label={`Revoke ${key.name}`}
                    onClick={() => onRevoke(key)}
                  >
                    Revoke
                  </Button>
                )}
              </TableCell>
            ) : null}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
