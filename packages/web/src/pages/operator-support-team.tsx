import { Headset, UserPlus } from 'lucide-react';
import * as React from 'react';
import { errorMessage } from '@/api/client';
import {
  type SupportUser,
  useInviteSupportUser,
  useRevokeSupportUser,
  useSupportUsers,
} from '@/api/support-users';
import { useConfirm } from '@/components/confirm-dialog';
import { TextField } from '@/components/form-field';
import { PageHeader } from '@/components/page-header';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { CopyButton } from '@/components/ui/copy-button';
import { Input } from '@/components/ui/input';
import { EmptyState, ErrorState, LoadingBlock } from '@/components/ui/states';
import { Table, TableBody, TableCell, TableHeadings, TableRow } from '@/components/ui/table';
import { useToast } from '@/components/ui/toast';
import { useFormFields } from '@/components/use-form-fields';
import { formatTimestamp } from '@/lib/utils';

function InviteCard() {
  const invite = useInviteSupportUser();
  const { values, set, field } = useFormFields('support-invite', { email: '', name: '' });
  const email = values.email.trim();
  const name = values.name.trim();
  const [made, setMade] = React.useState<(SupportUser & { url: string | null }) | null>(null);

  function submit(event: React.FormEvent) {
    event.preventDefault();
    setMade(null);
    invite.mutate(
      { email, ...(name ? { name } : {}) },
      {
        onSuccess: (created) => {
          setMade(created);
          set({ email: '', name: '' });
        },
      },
    );
  }

  return (
    <Card className="mb-6">
      <CardHeader>
        <div>
          <CardTitle>Invite a support user</CardTitle>
          <CardDescription>
            Support users sign in with their own password and read every tenant's customers, payments,
            refunds, disputes, invoices, subscriptions and events. They change nothing. The invite link sets
            their password; it works once and expires in days.
          </CardDescription>
        </div>
      </CardHeader>
      <CardContent className="space-y-4">
        <form onSubmit={submit} className="grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end">
          <TextField
            label="Email"
            type="email"
            placeholder="agent@example.com"
            required
            {...field('email')}
          />
          <TextField label="Name (optional)" {...field('name')} />
          <Button
            type="submit"
            data-testid="support-invite-submit"
            loading={invite.isPending}
            disabled={!email}
          >
            <UserPlus aria-hidden="true" />
            Create invite link
          </Button>
        </form>
        {invite.error ? <Alert variant="destructive">{errorMessage(invite.error)}</Alert> : null}
        {made ? (
          <Alert variant="success" title={`Invite link for ${made.email}`}>
            <div className="mt-2 flex gap-2">
              <Input
                aria-label="Invite link"
                data-testid="support-invite-url"
                readOnly
                value={made.url ?? ''}
                className="font-mono text-xs"
                onFocus={(e) => e.currentTarget.select()}
              />
              <CopyButton value={made.url ?? ''} />
            </div>
            <p className="mt-2 text-xs text-muted-foreground">
              Single use; expires{' '}
              {made.invitation_expires_at ? formatTimestamp(made.invitation_expires_at) : '—'}. It is shown
              only now.
            </p>
          </Alert>
        ) : null}
      </CardContent>
    </Card>
  );
}

/** The operator's support users: invite (a single-use link to set a password), list, revoke. */
export function OperatorSupportTeamPage() {
  const users = useSupportUsers();
  const revoke = useRevokeSupportUser();
  const confirm = useConfirm();
  const toast = useToast();
  const rows = users.data?.data ?? [];
  return (
    <>
      <PageHeader
        title="Support team"
        description="People who answer your tenants' customers: they read everything a support agent needs, and can change nothing."
      />
      <InviteCard />
      <Card data-testid="support-users">
        {users.isPending ? (
          <LoadingBlock label="Loading support users" />
        ) : users.error ? (
          <ErrorState error={users.error} onRetry={() => void users.refetch()} />
        ) : rows.length === 0 ? (
          <EmptyState icon={<Headset />} title="No support users yet" />
        ) : (
          <Table data-testid="support-users-table">
            <TableHeadings
              columns={['Name', 'Email', 'Status', 'Added', { label: 'Actions', hidden: true }]}
            />
            <TableBody>
              {rows.map((u) => (
                <TableRow key={u.id} data-testid={`support-user-row-${u.id}`}>
                  <TableCell>{u.name ?? '—'}</TableCell>
                  <TableCell>{u.email}</TableCell>
                  <TableCell>
                    <Badge
                      variant={u.status === 'active' ? 'default' : 'secondary'}
                      data-testid="support-user-status"
                    >
                      {u.status === 'invited' && u.invitation_expires_at
                        ? `invited (until ${formatTimestamp(u.invitation_expires_at)})`
                        : u.status === 'invited'
                          ? 'invitation expired'
                          : u.status}
                    </Badge>
                  </TableCell>
                  <TableCell className="whitespace-nowrap">{formatTimestamp(u.created)}</TableCell>
                  <TableCell className="text-right">
                    <Button
                      variant="ghost-destructive"
                      size="sm"
                      data-testid={`revoke-support-user-${u.id}`}
                      onClick={() =>
                        confirm.ask({
                          title: 'Revoke support user?',
                          description: `${u.email} is signed out now and can no longer sign in; a pending invite link stops working.`,
                          confirmLabel: 'Revoke',
                          destructive: true,
                          testId: 'confirm-revoke-support-user',
                          run: () =>
                            revoke
                              .mutateAsync(u.id)
                              .then(() => toast({ title: 'Support user revoked', description: u.email })),
                        })
                      }
                    >
                      Revoke
                    </Button>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Card>
      {confirm.dialog}
    </>
  );
}
