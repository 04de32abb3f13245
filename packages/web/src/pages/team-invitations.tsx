import { MailPlus } from 'lucide-react';
import { useInvitations, useRevokeInvitation } from '@/api/members';
import { useConfirm } from '@/components/confirm-dialog';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { EmptyState, ErrorState, LoadingBlock } from '@/components/ui/states';
import { Table, TableBody, TableCell, TableHeadings, TableRow } from '@/components/ui/table';
import { useToast } from '@/components/ui/toast';
import { formatTimestamp } from '@/lib/utils';

/** Invitations not yet used: whom, which role, until when; owners and admins revoke them. */
export function PendingInvitations({ tenantId, manage }: { tenantId: string; manage: boolean }) {
  const invitations = useInvitations(tenantId);
  const revoke = useRevokeInvitation(tenantId);
  const confirm = useConfirm();
  const toast = useToast();
  const rows = invitations.data?.data ?? [];
  return (
    <Card className="mt-6" data-testid="pending-invitations">
      <CardHeader>
        <div>
          <CardTitle>Pending invitations</CardTitle>
          <CardDescription>
            Invite links not used yet. A revoked link no longer signs anyone in.
          </CardDescription>
        </div>
      </CardHeader>
      {invitations.isPending ? (
        <LoadingBlock label="Loading invitations" />
      ) : invitations.error ? (
        <ErrorState error={invitations.error} onRetry={() => void invitations.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState icon={<MailPlus />} title="No pending invitations" />
      ) : (
        <Table data-testid="invitations-table">
          <TableHeadings
            columns={['Email', 'Role', 'Expires', manage ? { label: 'Actions', hidden: true } : null]}
          />
          <TableBody>
            {rows.map((i) => (
              <TableRow key={i.id} data-testid={`invitation-row-${i.id}`}>
                <TableCell>{i.email ?? '—'}</TableCell>
                <TableCell>
                  <Badge variant="secondary" className="capitalize">
                    {i.role}
                  </Badge>
                </TableCell>
                <TableCell className="whitespace-nowrap" data-testid={`invitation-expires-${i.id}`}>
                  {formatTimestamp(i.expires_at)}
                </TableCell>
                {manage ? (
                  <TableCell className="text-right">
                    <Button
                      variant="ghost-destructive"
                      size="sm"
                      data-testid={`revoke-invitation-${i.id}`}
                      onClick={() =>
                        confirm.ask({
                          title: 'Revoke invitation?',
                          description: `${i.email ?? 'The invitee'}'s invite link (as ${i.role}) stops working: they cannot join with it.`,
                          confirmLabel: 'Revoke',
                          destructive: true,
                          testId: 'confirm-revoke-invitation',
                          run: () =>
                            revoke
                              .mutateAsync(i.id)
                              .then(() => toast({ title: 'Invitation revoked', description: i.email ?? '' })),
                        })
                      }
                    >
                      Revoke
                    </Button>
                  </TableCell>
                ) : null}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {confirm.dialog}
    </Card>
  );
}
