import { UserPlus, Users } from 'lucide-react';
import * as React from 'react';
import { errorMessage } from '@/api/client';
import { useCreateInvitation, useMembers, useRemoveMember, useUpdateMemberRole } from '@/api/members';
import { canManage, useSession, useTenantRole } from '@/api/session';
import type { Invitation, Member, Role } from '@/api/types';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { SelectField, TextField } from '@/components/form-field';
import { PageHeader, ReadOnlyNotice } from '@/components/page-header';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { CopyButton } from '@/components/ui/copy-button';
import { Input } from '@/components/ui/input';
import { FieldHint } from '@/components/ui/label';
import { Select } from '@/components/ui/select';
import { EmptyState, ErrorState, LoadingBlock } from '@/components/ui/states';
import { Table, TableBody, TableCell, TableHeadings, TableRow } from '@/components/ui/table';
import { useToast } from '@/components/ui/toast';
import { useFormFields } from '@/components/use-form-fields';
import { formatTimestamp } from '@/lib/utils';
import { PendingInvitations } from './team-invitations';

const roles: { value: Role; label: string; hint: string }[] = [
  { value: 'owner', label: 'Owner', hint: 'Everything, including managing owners' },
  { value: 'admin', label: 'Admin', hint: 'Manage settings, team, keys and money-moving actions' },
  { value: 'member', label: 'Member', hint: 'Read-only access' },
  {
    value: 'support',
    label: 'Support',
    hint: 'Reads customers, payments, refunds, disputes, invoices, subscriptions and events; nothing else',
  },
];

function parseRole(value: string): Role {
  return value === 'owner' || value === 'admin' || value === 'support' ? value : 'member';
}

/**
 * Only an owner grants the owner role (the server refuses it to anyone else); support, below member, is
 * granted by whoever grants member.
 */
function grantable(callerRole: Role | null) {
  return roles.filter((r) => r.value !== 'owner' || callerRole === 'owner');
}

function InviteCard({ tenantId, callerRole }: { tenantId: string; callerRole: Role | null }) {
  const invite = useCreateInvitation(tenantId);
  const { values, set, field } = useFormFields('invite', { email: '', name: '' });
  const email = values.email.trim();
  const name = values.name.trim();
  const [role, setRole] = React.useState<Role>('member');
  const [link, setLink] = React.useState<Invitation | null>(null);

  function submit(event: React.FormEvent) {
    event.preventDefault();
    setLink(null);
    invite.mutate(
      { email, role, ...(name ? { name } : {}) },
      {
        onSuccess: (created) => {
          setLink(created);
          set({ email: '', name: '' });
        },
      },
    );
  }

  return (
    <Card className="mb-6">
      <CardHeader>
        <div>
          <CardTitle>Invite a teammate</CardTitle>
          <CardDescription>
            Creates a single-use sign-in link for this email. Send it to them: it stays valid for days, until
            used or revoked, and is listed under Pending invitations meanwhile.
          </CardDescription>
        </div>
      </CardHeader>
      <CardContent className="space-y-4">
        <form onSubmit={submit} className="grid gap-3 sm:grid-cols-[1fr_1fr_10rem_auto] sm:items-end">
          <TextField
            label="Email"
            type="email"
            placeholder="teammate@example.com"
            required
            {...field('email')}
          />
          <TextField label="Name (optional)" {...field('name')} />
          <SelectField
            id="invite-role"
            label="Role"
            value={role}
            onChange={(e) => setRole(parseRole(e.target.value))}
          >
            {grantable(callerRole).map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </SelectField>
          <Button type="submit" data-testid="invite-submit" loading={invite.isPending} disabled={!email}>
            <UserPlus aria-hidden="true" />
            Create invite link
          </Button>
        </form>
        <FieldHint>{roles.find((r) => r.value === role)?.hint}</FieldHint>
        {invite.error ? <Alert variant="destructive">{errorMessage(invite.error)}</Alert> : null}
        {link ? (
          <Alert variant="success" title={`Invite link for ${link.email} (${link.role})`}>
            <div className="mt-2 flex gap-2">
              <Input
                aria-label="Invite link"
                data-testid="invite-url"
                readOnly
                value={link.url ?? ''}
                className="font-mono text-xs"
                onFocus={(e) => e.currentTarget.select()}
              />
              <CopyButton value={link.url ?? ''} />
            </div>
            <p className="mt-2 text-xs text-muted-foreground">
              Single use; expires {formatTimestamp(link.expires_at)}.
            </p>
          </Alert>
        ) : null}
      </CardContent>
    </Card>
  );
}

function RemoveMemberDialog({
  tenantId,
  member,
  onClose,
}: {
  tenantId: string;
  member: Member | null;
  onClose: () => void;
}) {
  const remove = useRemoveMember(tenantId);
  const toast = useToast();
  const close = () => {
    onClose();
    remove.reset();
  };
  return (
    <ConfirmDialog
      open={member !== null}
      onCancel={close}
      title="Remove member?"
      description={
        member ? `${member.user.name || member.user.email} will lose access to this workspace.` : undefined
      }
      error={remove.error}
      destructive
      testId="confirm-remove-member"
      pending={remove.isPending}
      confirmLabel="Remove"
      onConfirm={() =>
        member &&
        remove.mutate(member.user.id, {
          onSuccess: () => {
            toast({ title: 'Member removed', description: member.user.email });
            close();
          },
        })
      }
    />
  );
}

export function TeamPage({ tenantId }: { tenantId: string }) {
  const members = useMembers(tenantId);
  const session = useSession().data;
  const callerRole = useTenantRole(tenantId);
  const manage = canManage(callerRole);
  const updateRole = useUpdateMemberRole(tenantId);
  const toast = useToast();
  const [removing, setRemoving] = React.useState<Member | null>(null);

  function changeRole(member: Member, role: Role) {
    updateRole.mutate(
      { userId: member.user.id, role },
      {
        onSuccess: () =>
          toast({ title: 'Role updated', description: `${member.user.email} is now ${role}.` }),
        onError: (error) =>
          toast({ title: 'Could not change role', description: errorMessage(error), variant: 'error' }),
      },
    );
  }

  return (
    <>
      <PageHeader title="Team" description="People who can open this workspace's dashboard." />
      {manage ? (
        <InviteCard tenantId={tenantId} callerRole={callerRole} />
      ) : (
        <ReadOnlyNotice what="invite people or change roles" />
      )}
      <Card>
        {members.isPending ? (
          <LoadingBlock label="Loading members" />
        ) : members.error ? (
          <ErrorState error={members.error} onRetry={() => void members.refetch()} />
        ) : members.data.data.length === 0 ? (
          <EmptyState
            icon={<Users />}
            title="No members yet"
            description="Invite a teammate with a sign-in link."
          />
        ) : (
          <Table data-testid="members-table">
            <TableHeadings
              columns={['Name', 'Email', 'Role', 'Added', manage ? { label: 'Actions', hidden: true } : null]}
            />
            <TableBody>
              {members.data.data.map((member) => {
                const isSelf = member.user.id === session?.user.id;
                return (
                  <TableRow key={member.user.id} data-testid={`member-row-${member.user.id}`}>
                    <TableCell className="font-medium">
                      {member.user.name || '—'}
                      {isSelf ? (
                        <Badge variant="secondary" className="ml-2">
                          You
                        </Badge>
                      ) : null}
                    </TableCell>
                    <TableCell>{member.user.email}</TableCell>
                    <TableCell>
                      {manage ? (
                        <Select
                          aria-label={`Role of ${member.user.email}`}
                          data-testid={`member-role-${member.user.id}`}
                          className="w-32"
                          value={member.role}
                          disabled={updateRole.isPending && updateRole.variables?.userId === member.user.id}
                          onChange={(e) => changeRole(member, parseRole(e.target.value))}
                        >
                          {roles.map((r) => (
                            <option
                              key={r.value}
                              value={r.value}
                              disabled={r.value === 'owner' && callerRole !== 'owner'}
                            >
                              {r.label}
                            </option>
                          ))}
                        </Select>
                      ) : (
                        <Badge
                          variant={member.role === 'member' ? 'secondary' : 'default'}
                          className="capitalize"
                        >
                          {member.role}
                        </Badge>
                      )}
                    </TableCell>
                    <TableCell className="whitespace-nowrap">
                      {formatTimestamp(member.created, false)}
                    </TableCell>
                    {manage ? (
                      <TableCell className="text-right">
                        <Button
                          variant="ghost-destructive"
                          size="sm"
                          data-testid={`remove-member-${member.user.id}`}
                          aria-label={`Remove ${member.user.email}`}
                          onClick={() => setRemoving(member)}
                        >
                          Remove
                        </Button>
                      </TableCell>
                    ) : null}
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        )}
      </Card>
      <PendingInvitations tenantId={tenantId} manage={manage} />
      {manage ? (
        <RemoveMemberDialog tenantId={tenantId} member={removing} onClose={() => setRemoving(null)} />
      ) : null}
    </>
  );
}
