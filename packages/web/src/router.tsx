import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Outlet,
  redirect,
} from '@tanstack/react-router';
import * as React from 'react';
import { ApiError, isApiError } from '@/api/client';
import { queryKeys } from '@/api/query-keys';
import { isSupportOperator, sessionQueryOptions } from '@/api/session';
import { useTenant } from '@/api/tenants';
import type { Session } from '@/api/types';
import { AppShell } from '@/components/app-shell';
import { BounceBanner } from '@/components/bounce-banner';
import { RecoveryBanner } from '@/components/recovery-banner';
import { TenantError } from '@/components/tenant-error';
import { ErrorState, LoadingBlock } from '@/components/ui/states';
import { UsageAlertBanner } from '@/components/usage-alert-banner';
import { ApiKeysPage, PlatformApiKeysPage } from '@/pages/api-keys';
import { AuditLogPage } from '@/pages/audit-log';
import { BillingPage } from '@/pages/billing';
import { CustomerDetailPage } from '@/pages/customer-detail';
import { CustomersPage } from '@/pages/customers';
import { OperatorEventsPage, TenantEventsPage } from '@/pages/events';
import { isEventStatus } from '@/pages/events/event-status';
import { InvoicesPage } from '@/pages/invoices';
import { OperatorMailboxPage, TenantMailboxPage } from '@/pages/mailbox';
import { NoTenantPage } from '@/pages/no-tenant';
import { NotFoundPage } from '@/pages/not-found';
import { OperatorConnectedAccountsPage } from '@/pages/operator-connected-accounts';
import { OperatorDunningPage } from '@/pages/operator-dunning';
import { OperatorFeeSchedulesPage } from '@/pages/operator-fee-schedules';
import { OperatorOverviewPage } from '@/pages/operator-overview';
import { OperatorPlansPage } from '@/pages/operator-plans';
import { OperatorSupportTeamPage } from '@/pages/operator-support-team';
import { OperatorTenantsPage } from '@/pages/operator-tenants';
import { OverviewPage } from '@/pages/overview';
import { PaymentDetailPage } from '@/pages/payment-detail';
import { PaymentsPage } from '@/pages/payments';
import { PaymentsSetupPage } from '@/pages/payments-setup';
import { RecoverPage } from '@/pages/recover';
import { SettingsPage } from '@/pages/settings';
import { SetupPage } from '@/pages/setup';
import { SignInPage } from '@/pages/sign-in';
import { SubscriptionsPage } from '@/pages/subscriptions';
import { OperatorSupportLookupPage, SupportLookupPage } from '@/pages/support';
import { SupportInvitationPage } from '@/pages/support-invitation';
import { TeamPage } from '@/pages/team';
import { WebhookEndpointsPage } from '@/pages/webhook-endpoints';

interface RouterContext {
  queryClient: QueryClient;
}

// the analytics pages bring the charting library: loaded when first opened
const TenantAnalyticsPage = React.lazy(() =>
  import('@/pages/analytics').then((m) => ({ default: m.TenantAnalyticsPage })),
);

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The session, or null when signed out; a failing server does not block public pages. */
async function loadSession(queryClient: QueryClient): Promise<Session | null> {
  return queryClient.ensureQueryData(sessionQueryOptions);
}

const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: Outlet,
  notFoundComponent: NotFoundPage,
});

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'sign-in',
  validateSearch: (search: Record<string, unknown>): { error?: string; redirect?: string } => ({
    error: optionalString(search.error),
    redirect: optionalString(search.redirect),
  }),
  beforeLoad: async ({ context, search }) => {
    const session = await loadSession(context.queryClient).catch(() => null);
    if (session && !search.error) throw redirect({ to: '/' });
  },
  component: function SignInRoute() {
    const search = signInRoute.useSearch();
    return <SignInPage error={search.error} redirect={search.redirect} />;
  },
});

const setupRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'setup',
  validateSearch: (search: Record<string, unknown>): { token?: string } => ({
    token: optionalString(search.token),
  }),
  component: function SetupRoute() {
    const { token } = setupRoute.useSearch();
    return <SetupPage token={token} />;
  },
});

/** A support user's invitation: its token is the credential for setting their password. */
const supportInvitationRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'support-invitation',
  validateSearch: (search: Record<string, unknown>): { token?: string } => ({
    token: optionalString(search.token),
  }),
  component: function SupportInvitationRoute() {
    const { token } = supportInvitationRoute.useSearch();
    return <SupportInvitationPage token={token} />;
  },
});

/** The recovery page: its link's token is the credential, no session (billing/recovery on the server). */
const recoverRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'recover',
  // the token comes in the fragment (`#token=`), or in the query from a link of old; `checkout_session`: back
  // from Stripe's page adding a card
  validateSearch: (
    search: Record<string, unknown>,
  ): { token?: string; payment_method?: string; checkout_session?: string } => ({
    token: optionalString(search.token),
    payment_method: optionalString(search.payment_method),
    checkout_session: optionalString(search.checkout_session),
  }),
  component: function RecoverRoute() {
    const { token, payment_method, checkout_session } = recoverRoute.useSearch();
    return <RecoverPage token={token} paymentMethod={payment_method} checkoutSession={checkout_session} />;
  },
});

/** Every page below requires a session. */
const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'app',
  beforeLoad: async ({ context, location }) => {
    const session = await loadSession(context.queryClient);
    if (!session) {
      const target = location.href === '/' ? undefined : location.href;
      throw redirect({ to: '/sign-in', search: { redirect: target } });
    }
    return { session };
  },
  component: AppShell,
});

const indexRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/',
  beforeLoad: ({ context }) => {
    const first = context.session.memberships[0];
    if (first?.role === 'support')
      throw redirect({ to: '/tenants/$tenantId/customers', params: { tenantId: first.tenant.id } });
    if (first) throw redirect({ to: '/tenants/$tenantId', params: { tenantId: first.tenant.id } });
    if (context.session.user.is_operator) throw redirect({ to: '/operator' });
  },
  component: NoTenantPage,
});

const tenantRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'tenants/$tenantId',
  component: function TenantLayout() {
    const { tenantId } = tenantRoute.useParams();
    const tenant = useTenant(tenantId);
    if (tenant.error) return <TenantError error={tenant.error} onRetry={() => void tenant.refetch()} />;
    return (
      <>
        <RecoveryBanner tenantId={tenantId} />
        <BounceBanner tenantId={tenantId} />
        <UsageAlertBanner tenantId={tenantId} />
        <Outlet />
      </>
    );
  },
});

/** Tenant pages take the id as a prop and are keyed by it, so switching tenants resets their state. */
function tenantPage(Page: (props: { tenantId: string }) => React.ReactNode) {
  return function TenantPageRoute() {
    const { tenantId } = tenantRoute.useParams();
    return <Page key={tenantId} tenantId={tenantId} />;
  };
}

const tenantOverviewRoute = createRoute({
  getParentRoute: () => tenantRoute,
  path: '/',
  // the overview reads what the support role cannot (analytics, billing): support lands on the customers
  beforeLoad: ({ context, params }) => {
    const { session } = context;
    const role = session.memberships.find((m) => m.tenant.id === params.tenantId)?.role;
    if (role === 'support' || (!role && isSupportOperator(session)))
      throw redirect({ to: '/tenants/$tenantId/customers', params });
  },
  component: tenantPage(OverviewPage),
});
const tenantAnalyticsRoute = createRoute({
  getParentRoute: () => tenantRoute,
  path: 'analytics',
  component: tenantPage(TenantAnalyticsPage),
});
const tenantTeamRoute = createRoute({
  getParentRoute: () => tenantRoute,
  path: 'team',
  component: tenantPage(TeamPage),
});
const tenantApiKeysRoute = createRoute({
  getParentRoute: () => tenantRoute,
  path: 'api-keys',
  component: tenantPage(ApiKeysPage),
});
const tenantSettingsRoute = createRoute({
  getParentRoute: () => tenantRoute,
  path: 'settings',
  validateSearch: (search: Record<string, unknown>): { billing_contact?: string } => ({
    billing_contact: optionalString(search.billing_contact),
  }),
  component: function SettingsRoute() {
    const { tenantId } = tenantRoute.useParams();
    const { billing_contact } = tenantSettingsRoute.useSearch();
    return <SettingsPage key={tenantId} tenantId={tenantId} verified={billing_contact} />;
  },
});
const tenantPaymentsSetupRoute = createRoute({
  getParentRoute: () => tenantRoute,
  path: 'payments-setup',
  component: tenantPage(PaymentsSetupPage),
});
// Payments
const tenantPaymentsRoute = createRoute({
  getParentRoute: () => tenantRoute,
  path: 'payments',
  component: tenantPage(PaymentsPage),
});
const tenantPaymentDetailRoute = createRoute({
  getParentRoute: () => tenantRoute,
  path: 'payments/$paymentId',
  component: function PaymentDetailRoute() {
    const { tenantId, paymentId } = tenantPaymentDetailRoute.useParams();
    return <PaymentDetailPage key={paymentId} tenantId={tenantId} paymentId={paymentId} />;
  },
});
const tenantCustomersRoute = createRoute({
  getParentRoute: () => tenantRoute,
  path: 'customers',
  component: tenantPage(CustomersPage),
});
const tenantCustomerDetailRoute = createRoute({
  getParentRoute: () => tenantRoute,
  path: 'customers/$customerId',
  // `?setup=complete`: back from Stripe's page that saved a payment method (the setup session's success_url)
  validateSearch: (search: Record<string, unknown>): { setup?: string } => ({
    setup: optionalString(search.setup),
  }),
  component: function CustomerDetailRoute() {
    const { tenantId, customerId } = tenantCustomerDetailRoute.useParams();
    const { setup } = tenantCustomerDetailRoute.useSearch();
    return (
      <CustomerDetailPage
        key={customerId}
        tenantId={tenantId}
        customerId={customerId}
        setupComplete={setup === 'complete'}
      />
    );
  },
});
// Invoices and subscriptions
const tenantInvoicesRoute = createRoute({
  getParentRoute: () => tenantRoute,
  path: 'invoices',
  component: tenantPage(InvoicesPage),
});
const tenantSubscriptionsRoute = createRoute({
  getParentRoute: () => tenantRoute,
  path: 'subscriptions',
  component: tenantPage(SubscriptionsPage),
});
const tenantBillingRoute = createRoute({
  getParentRoute: () => tenantRoute,
  path: 'billing',
  // `?payment_method=added|canceled`: back from Stripe's page that saves a payment method for the plan, with
  // its `checkout_session` to confirm
  validateSearch: (
    search: Record<string, unknown>,
  ): { payment_method?: 'added' | 'canceled'; checkout_session?: string } => {
    const v = optionalString(search.payment_method);
    return {
      payment_method: v === 'added' || v === 'canceled' ? v : undefined,
      checkout_session: optionalString(search.checkout_session),
    };
  },
  component: function BillingRoute() {
    const { tenantId } = tenantRoute.useParams();
    const { payment_method, checkout_session } = tenantBillingRoute.useSearch();
    return (
      <BillingPage
        key={tenantId}
        tenantId={tenantId}
        paymentMethod={payment_method}
        checkoutSession={checkout_session}
      />
    );
  },
});
const tenantSupportRoute = createRoute({
  getParentRoute: () => tenantRoute,
  path: 'support',
  component: tenantPage(SupportLookupPage),
});
const tenantAuditLogRoute = createRoute({
  getParentRoute: () => tenantRoute,
  path: 'audit-log',
  component: tenantPage(AuditLogPage),
});

const tenantMailboxRoute = createRoute({
  getParentRoute: () => tenantRoute,
  path: 'emails',
  component: tenantPage(TenantMailboxPage),
});

const tenantEventsRoute = createRoute({
  getParentRoute: () => tenantRoute,
  path: 'events',
  component: tenantPage(TenantEventsPage),
});

const operatorRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'operator',
  beforeLoad: ({ context }) => {
    if (!context.session.user.is_operator) throw redirect({ to: '/' });
  },
});
const operatorIndexRoute = createRoute({
  getParentRoute: () => operatorRoute,
  path: '/',
  component: OperatorOverviewPage,
});
const operatorTenantsRoute = createRoute({
  getParentRoute: () => operatorRoute,
  path: 'tenants',
  component: OperatorTenantsPage,
});
const operatorAnalyticsRoute = createRoute({
  getParentRoute: () => operatorRoute,
  path: 'analytics',
  component: lazyRouteComponent(() => import('@/pages/analytics'), 'PlatformAnalyticsPage'),
});
const operatorConnectedAccountsRoute = createRoute({
  getParentRoute: () => operatorRoute,
  path: 'connected-accounts',
  component: OperatorConnectedAccountsPage,
});
const operatorFeeSchedulesRoute = createRoute({
  getParentRoute: () => operatorRoute,
  path: 'fee-schedules',
  component: OperatorFeeSchedulesPage,
});
const operatorPlansRoute = createRoute({
  getParentRoute: () => operatorRoute,
  path: 'plans',
  component: OperatorPlansPage,
});
const operatorDunningRoute = createRoute({
  getParentRoute: () => operatorRoute,
  path: 'dunning',
  component: OperatorDunningPage,
});
const operatorEventsRoute = createRoute({
  getParentRoute: () => operatorRoute,
  path: 'events',
  validateSearch: (search: Record<string, unknown>): { status?: string } => ({
    status: optionalString(search.status),
  }),
  component: function OperatorEventsRoute() {
    const { status } = operatorEventsRoute.useSearch();
    return <OperatorEventsPage initialStatus={isEventStatus(status) ? status : undefined} />;
  },
});
const operatorMailboxRoute = createRoute({
  getParentRoute: () => operatorRoute,
  path: 'emails',
  component: OperatorMailboxPage,
});
const operatorWebhooksRoute = createRoute({
  getParentRoute: () => operatorRoute,
  path: 'webhooks',
  component: WebhookEndpointsPage,
});
const operatorSupportTeamRoute = createRoute({
  getParentRoute: () => operatorRoute,
  path: 'support-team',
  component: OperatorSupportTeamPage,
});
const operatorSupportLookupRoute = createRoute({
  getParentRoute: () => operatorRoute,
  path: 'support',
  component: OperatorSupportLookupPage,
});
const operatorApiKeysRoute = createRoute({
  getParentRoute: () => operatorRoute,
  path: 'api-keys',
  component: PlatformApiKeysPage,
});

const routeTree = rootRoute.addChildren([
  signInRoute,
  setupRoute,
  supportInvitationRoute,
  recoverRoute,
  appRoute.addChildren([
    indexRoute,
    tenantRoute.addChildren([
      tenantOverviewRoute,
      tenantAnalyticsRoute,
      tenantTeamRoute,
      tenantApiKeysRoute,
      tenantSettingsRoute,
      tenantAuditLogRoute,
      tenantPaymentsSetupRoute,
      tenantPaymentsRoute,
      tenantPaymentDetailRoute,
      tenantCustomersRoute,
      tenantCustomerDetailRoute,
      tenantInvoicesRoute,
      tenantSubscriptionsRoute,
      tenantBillingRoute,
      tenantEventsRoute,
      tenantMailboxRoute,
      tenantSupportRoute,
    ]),
    operatorRoute.addChildren([
      operatorIndexRoute,
      operatorTenantsRoute,
      operatorAnalyticsRoute,
      operatorConnectedAccountsRoute,
      operatorFeeSchedulesRoute,
      operatorPlansRoute,
      operatorDunningRoute,
      operatorEventsRoute,
      operatorMailboxRoute,
      operatorWebhooksRoute,
      operatorApiKeysRoute,
      operatorSupportTeamRoute,
      operatorSupportLookupRoute,
    ]),
  ]),
]);

function onUnauthenticated(error: unknown) {
  // A session that ends while the app is open (expiry, sign-out elsewhere): back to sign-in.
  if (!isApiError(error, 'not_authenticated')) return;
  queryClient.setQueryData(queryKeys.session, null);
  if (router.state.location.pathname !== '/sign-in') {
    void router.navigate({ to: '/sign-in', search: { error: 'session_expired' } });
  }
}

export const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({ onError: onUnauthenticated }),
  mutationCache: new MutationCache({ onError: onUnauthenticated }),
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      refetchOnWindowFocus: false,
      // Client errors (4xx) will not get better by retrying.
      retry: (count, error) =>
        !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
    },
  },
});

export const router = createRouter({
  routeTree,
  context: { queryClient },
  defaultPreload: 'intent',
  defaultPreloadStaleTime: 0,
  scrollRestoration: true,
  defaultPendingComponent: () => <LoadingBlock />,
  defaultErrorComponent: ({ error, reset }) => <ErrorState error={error} onRetry={reset} />,
});

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
