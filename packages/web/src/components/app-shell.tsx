import { Link, Navigate, Outlet, useLocation, useNavigate, useParams } from '@tanstack/react-router';
import { BookOpen, LogOut, Menu, Plus, Waves, X } from 'lucide-react';
import * as React from 'react';
import { useNotificationStatus } from '@/api/notifications';
import { isSupportOperator, useLogout, useSession, useTenantRole } from '@/api/session';
import { useTenants } from '@/api/tenants';
import type { Session } from '@/api/types';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Select } from '@/components/ui/select';
import { useToast } from '@/components/ui/toast';
import { cn } from '@/lib/utils';
import { mailboxLabel } from '@/pages/mailbox';
import { operatorNav, supportSegments, tenantNav } from './nav';
import { NewTenantDialog } from './new-tenant-dialog';
import { TenantOptions } from './tenant-options';

const navLink =
  'flex items-center gap-2.5 rounded-md px-2.5 py-1.5 text-sm font-medium text-muted-foreground transition-colors hover:bg-muted hover:text-foreground [&_svg]:size-4';
const navActive = 'bg-accent text-accent-foreground hover:bg-accent hover:text-accent-foreground';

function Brand() {
  return (
    <Link to="/" className="flex items-center gap-2 px-2.5 font-semibold tracking-tight">
      <span className="flex size-7 items-center justify-center rounded-md bg-primary text-primary-foreground">
        <Waves className="size-4" aria-hidden="true" />
      </span>
      Tributary
    </Link>
  );
}

function SidebarNav({
  session,
  tenantId,
  onNavigate,
}: {
  session: Session;
  tenantId?: string;
  onNavigate?: () => void;
}) {
  // the support role sees a tenant's customers and their money only (nav.ts)
  const support = useTenantRole(tenantId ?? '') === 'support';
  const items = support ? tenantNav.filter((item) => supportSegments.has(item.segment)) : tenantNav;
  const transport = useNotificationStatus(support ? undefined : tenantId).data?.transport;
  return (
    <nav aria-label="Main" className="flex flex-1 flex-col gap-6 overflow-y-auto px-3 py-4">
      <div>
        <p className="mb-1.5 px-2.5 text-xs font-medium tracking-wide text-muted-foreground uppercase">
          Workspace
        </p>
        {tenantId ? (
          <ul className="space-y-0.5">
            {items.map((item) => (
              <li key={item.to}>
                <Link
                  to={item.to}
                  params={{ tenantId }}
                  activeOptions={{ exact: item.exact }}
                  className={navLink}
                  activeProps={{ className: navActive, 'aria-current': 'page' }}
                  onClick={onNavigate}
                  data-testid={`nav-${item.segment || 'overview'}`}
                >
                  <item.icon aria-hidden="true" />
                  {item.segment === 'emails' ? mailboxLabel(transport) : item.label}
                </Link>
              </li>
            ))}
          </ul>
        ) : (
          <p className="px-2.5 text-sm text-muted-foreground">Select a tenant to see its pages.</p>
        )}
      </div>
      {session.user.is_operator ? (
        <div>
          <p className="mb-1.5 px-2.5 text-xs font-medium tracking-wide text-muted-foreground uppercase">
            Operator
          </p>
          <ul className="space-y-0.5">
            {operatorNav.map((item) => (
              <li key={item.to}>
                <Link
                  to={item.to}
                  activeOptions={{ exact: 'exact' in item }}
                  className={navLink}
                  activeProps={{ className: navActive, 'aria-current': 'page' }}
                  onClick={onNavigate}
                  data-testid={`nav-operator-${item.to.slice('/operator/'.length) || 'overview'}`}
                >
                  <item.icon aria-hidden="true" />
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="mt-auto">
        <a href="/docs" target="_blank" rel="noreferrer" className={navLink}>
          <BookOpen aria-hidden="true" />
          API reference
        </a>
      </div>
    </nav>
  );
}

function TenantSwitcher({ session, tenantId }: { session: Session; tenantId?: string }) {
  // the operator and its support users pick any tenant
  const isOperator = session.user.is_operator || isSupportOperator(session);
  const tenants = useTenants(isOperator);
  const role = useTenantRole(tenantId ?? '');
  const navigate = useNavigate();
  const location = useLocation();

  const options = isOperator ? (tenants.data?.data ?? []) : session.memberships.map((m) => m.tenant);

  function switchTo(id: string) {
    if (!id) return;
    // Stay on the same section (team, API keys, …) when switching tenants.
    const segment = location.pathname.split('/')[3] ?? '';
    const support = role === 'support' || isSupportOperator(session);
    const item =
      tenantNav.find((n) => n.segment === segment && (!support || supportSegments.has(n.segment))) ??
      (support ? tenantNav.find((n) => n.segment === 'customers') : undefined) ??
      tenantNav[0];
    void navigate({ to: item.to, params: { tenantId: id } });
  }

  return (
    <div className="flex min-w-0 items-center gap-2">
      <label htmlFor="tenant-switcher" className="sr-only">
        Tenant
      </label>
      <Select
        id="tenant-switcher"
        data-testid="tenant-switcher"
        aria-label="Tenant"
        className="w-44 sm:w-64"
        value={tenantId ?? ''}
        onChange={(e) => switchTo(e.target.value)}
        disabled={isOperator && tenants.isPending}
      >
        <option value="" disabled>
          {isOperator && tenants.isPending ? 'Loading tenants…' : 'Select a tenant…'}
        </option>
        <TenantOptions tenants={options} current={isOperator ? tenantId : undefined} />
      </Select>
    </div>
  );
}

function UserMenu({ session }: { session: Session }) {
  const logout = useLogout();
  const navigate = useNavigate();
  const toast = useToast();
  return (
    <div className="flex items-center gap-3">
      <div className="hidden text-right leading-tight md:block" data-testid="current-user">
        {session.user.name ? <p className="text-sm font-medium">{session.user.name}</p> : null}
        <p className={session.user.name ? 'text-xs text-muted-foreground' : 'text-sm font-medium'}>
          {session.user.email}
        </p>
      </div>
      {session.user.is_operator ? <Badge className="hidden sm:inline-flex">Operator</Badge> : null}
      {isSupportOperator(session) ? (
        <Badge className="hidden sm:inline-flex" data-testid="support-badge">
          Support
        </Badge>
      ) : null}
      <Button
        variant="outline"
        size="sm"
        data-testid="sign-out"
        aria-label="Sign out"
        loading={logout.isPending}
        onClick={() =>
          logout.mutate(undefined, {
            onError: () => toast({ title: 'Signed out locally', variant: 'error' }),
            onSettled: () => void navigate({ to: '/sign-in' }),
          })
        }
      >
        <LogOut aria-hidden="true" />
        <span className="hidden sm:inline">Sign out</span>
      </Button>
    </div>
  );
}

export function AppShell() {
  const { data: session } = useSession();
  const params = useParams({ strict: false });
  const tenantId = 'tenantId' in params ? params.tenantId : undefined;
  const [menuOpen, setMenuOpen] = React.useState(false);
  const [newTenantOpen, setNewTenantOpen] = React.useState(false);

  if (!session) return <Navigate to="/sign-in" />;

  return (
    <div className="flex min-h-dvh">
      <aside className="sticky top-0 hidden h-dvh w-60 shrink-0 flex-col border-r bg-card md:flex">
        <div className="flex h-14 items-center border-b px-3">
          <Brand />
        </div>
        <SidebarNav session={session} tenantId={tenantId} />
      </aside>

      {menuOpen ? (
        <div className="fixed inset-0 z-40 md:hidden">
          <button
            type="button"
            aria-label="Close menu"
            className="absolute inset-0 bg-foreground/30"
            onClick={() => setMenuOpen(false)}
          />
          <aside className="relative flex h-full w-64 flex-col border-r bg-card shadow-xl">
            <div className="flex h-14 items-center justify-between border-b px-3">
              <Brand />
              <Button
                variant="ghost"
                size="icon-sm"
                aria-label="Close menu"
                onClick={() => setMenuOpen(false)}
              >
                <X aria-hidden="true" />
              </Button>
            </div>
            <SidebarNav session={session} tenantId={tenantId} onNavigate={() => setMenuOpen(false)} />
          </aside>
        </div>
      ) : null}

      <div className="flex min-w-0 flex-1 flex-col">
        <header className="sticky top-0 z-30 flex h-14 items-center gap-3 border-b bg-card/95 px-4 backdrop-blur sm:px-6">
          <Button
            variant="ghost"
            size="icon-sm"
            className="md:hidden"
            aria-label="Open menu"
            onClick={() => setMenuOpen(true)}
          >
            <Menu aria-hidden="true" />
          </Button>
          <TenantSwitcher session={session} tenantId={tenantId} />
          {session.user.is_operator ? (
            <Button
              variant="outline"
              size="sm"
              data-testid="new-tenant-button"
              aria-label="New tenant"
              onClick={() => setNewTenantOpen(true)}
            >
              <Plus aria-hidden="true" />
              <span className="hidden sm:inline">New tenant</span>
            </Button>
          ) : null}
          <div className="ml-auto">
            <UserMenu session={session} />
          </div>
        </header>
        <main className={cn('mx-auto w-full max-w-6xl flex-1 px-4 py-6 sm:px-6 lg:py-8')}>
          <Outlet />
        </main>
      </div>
      {session.user.is_operator && newTenantOpen ? (
        <NewTenantDialog onClose={() => setNewTenantOpen(false)} />
      ) : null}
    </div>
  );
}
