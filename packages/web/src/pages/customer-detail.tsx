import { CreditCard, ExternalLink, FileText, Pencil, Plus, Receipt, Repeat } from 'lucide-react';
import * as React from 'react';
import { useInvoices, useSubscriptions } from '@/api/billing';
import { errorMessage } from '@/api/client';
import { useCursorPagination } from '@/api/pagination';
import {
  type Customer,
  type PaymentMethod,
  useCustomer,
  usePaymentMethodAction,
  usePaymentMethods,
  usePayments,
  usePortalSession,
  useSetupSession,
  useUpdateCustomer,
} from '@/api/payments';
import { canManage, useTenantRole } from '@/api/session';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { DetailRow } from '@/components/detail-row';
import { TextField } from '@/components/form-field';
import { FormFooter } from '@/components/form-footer';
import { ListCard } from '@/components/list-card';
import { BackLink, PageHeader, ReadOnlyNotice } from '@/components/page-header';
import { type Pair, PairRows } from '@/components/pair-rows';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { CopyButton } from '@/components/ui/copy-button';
import { Dialog } from '@/components/ui/dialog';
import { Label } from '@/components/ui/label';
import { EmptyState, ErrorState, LoadingBlock } from '@/components/ui/states';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { useToast } from '@/components/ui/toast';
import { formatTimestamp } from '@/lib/utils';
import { InvoicesTable } from './invoices';
import { PaymentsDisabledNotice, PaymentsTable } from './payments';
import { SubscriptionDialog, SubscriptionsTable } from './subscriptions';

// One customer of the tenant (issue 8): details and metadata, saved payment methods (added on Stripe's hosted
// setup page), a portal link, and the customer's payments, invoices and subscriptions. Owners and admins edit;
// members read.

/**
 * The update body: name and email (empty clears them), and metadata as Stripe merges it — changed keys with
 * their value, removed keys as "". A string says what is wrong with the draft.
 */
function updateBody(
  before: Customer,
  draft: { name: string; email: string; metadata: Pair[] },
): { name: string | null; email: string | null; metadata: Record<string, string> } | string {
  const email = draft.email.trim();
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return `“${email}” is not an email address.`;
  const metadata: Record<string, string> = {};
  const kept = new Set<string>();
  for (const [rawKey, value] of draft.metadata) {
    const key = rawKey.trim();
    if (!key && !value) continue;
    if (!key || key.length > 40) return 'Each metadata key needs 1 to 40 characters.';
    if (kept.has(key)) return `The metadata key “${key}” is there twice.`;
    if (!value) return `Give “${key}” a value, or remove the row.`;
    if (value.length > 500) return `The value of “${key}” is longer than 500 characters.`;
    kept.add(key);
    if (before.metadata[key] !== value) metadata[key] = value;
  }
  if (kept.size > 50) return 'At most 50 metadata keys.';
  for (const key of Object.keys(before.metadata)) if (!kept.has(key)) metadata[key] = '';
  return { name: draft.name.trim() || null, email: email || null, metadata };
}

function EditCustomerDialog({
  tenantId,
  customer,
  onClose,
}: {
  tenantId: string;
  customer: Customer;
  onClose: () => void;
}) {
  const [name, setName] = React.useState(customer.name ?? '');
  const [email, setEmail] = React.useState(customer.email ?? '');
  const [metadata, setMetadata] = React.useState<Pair[]>(Object.entries(customer.metadata));
  const [invalid, setInvalid] = React.useState<string | null>(null);
  const update = useUpdateCustomer(tenantId, customer.id);
  const toast = useToast();
  return (
    <Dialog
      open
      onOpenChange={(o) => !o && onClose()}
      title="Edit customer"
      data-testid="customer-edit-dialog"
    >
      <form
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const body = updateBody(customer, { name, email, metadata });
          if (typeof body === 'string') {
            setInvalid(body);
            return;
          }
          setInvalid(null);
          update.mutate(body, {
            onSuccess: () => {
              toast({ title: 'Customer saved' });
              onClose();
            },
          });
        }}
      >
        <TextField
          id="customer-edit-name"
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <TextField
          id="customer-edit-email"
          label="Email"
          type="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <div className="space-y-2">
          <Label>Metadata</Label>
          <PairRows
            id="customer-edit-metadata"
            rows={metadata}
            onChange={setMetadata}
            names={['key', 'value']}
            labels={['Key', 'Value']}
            placeholders={['key', 'value']}
            addLabel="Add metadata"
            firstClassName="w-40"
          />
        </div>
        <FormFooter
          error={invalid ?? update.error}
          errorTestId="customer-edit-error"
          submitLabel="Save"
          submitTestId="customer-edit-submit"
          pending={update.isPending}
          onCancel={onClose}
        />
      </form>
    </Dialog>
  );
}

const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** "Visa ···· 4242", "Stripe Test Bank ···· 6789". */
const methodLabel = (m: PaymentMethod) =>
  m.card
    ? `${capitalized(m.card.brand ?? 'card')} ···· ${m.card.last4 ?? ''}`
    : m.us_bank_account
      ? `${m.us_bank_account.bank_name ?? 'Bank account'} ···· ${m.us_bank_account.last4 ?? ''}`
      : m.type;

/** What each section of the page needs: whose customer, and whether the viewer may change things. */
interface SectionProps {
  tenantId: string;
  customerId: string;
  manage: boolean;
}

function PaymentMethodsCard({
  tenantId,
  customerId,
  manage,
  pollUntil,
}: SectionProps & { pollUntil?: number }) {
  const methods = usePaymentMethods(tenantId, customerId, { pollUntil });
  const action = usePaymentMethodAction(tenantId, customerId);
  const toast = useToast();
  const [detaching, setDetaching] = React.useState<PaymentMethod | null>(null);
  return (
    <>
      <ListCard
        query={methods}
        title="Payment methods"
        loadingLabel="Loading payment methods"
        empty={
          <EmptyState
            icon={<CreditCard />}
            title="No saved payment methods"
            description="Cards are saved on Stripe's page (Add payment method), through the API, or by the customer in the portal."
          />
        }
      >
        {(rows) => (
          <Table data-testid="payment-methods-table">
            <TableHeader>
              <TableRow className="hover:bg-transparent">
                <TableHead>Method</TableHead>
                <TableHead>Expires</TableHead>
                <TableHead>Added</TableHead>
                {manage ? <TableHead className="text-right">Actions</TableHead> : null}
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((m) => (
                <TableRow key={m.id} data-testid={`pm-row-${m.id}`} data-default={String(m.is_default)}>
                  <TableCell>
                    {methodLabel(m)}
                    {m.is_default ? (
                      <Badge variant="success" className="ml-2">
                        default
                      </Badge>
                    ) : null}
                  </TableCell>
                  <TableCell className="text-muted-foreground">
                    {m.card?.exp_month
                      ? `${String(m.card.exp_month).padStart(2, '0')}/${m.card.exp_year}`
                      : '—'}
                  </TableCell>
                  <TableCell className="text-muted-foreground">{formatTimestamp(m.created, false)}</TableCell>
                  {manage ? (
                    <TableCell>
                      <div className="flex justify-end gap-2">
                        {m.is_default ? null : (
                          <Button
                            size="sm"
                            variant="outline"
                            disabled={action.isPending}
                            data-testid={`pm-default-${m.id}`}
                            onClick={() =>
                              action.mutate(
                                { id: m.id, action: 'default' },
                                {
                                  onSuccess: () => toast({ title: `${methodLabel(m)} is the default now` }),
                                  onError: (err) => toast({ title: errorMessage(err), variant: 'error' }),
                                },
                              )
                            }
                          >
                            Make default
                          </Button>
                        )}
                        <Button
                          size="sm"
                          variant="outline"
                          data-testid={`pm-detach-${m.id}`}
                          onClick={() => setDetaching(m)}
                        >
                          Remove
                        </Button>
                      </div>
                    </TableCell>
                  ) : null}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </ListCard>
      <ConfirmDialog
        open={detaching !== null}
        title="Remove this payment method?"
        description={
          detaching
            ? `${methodLabel(detaching)} is detached from the customer on Stripe and cannot be charged again.`
            : ''
        }
        confirmLabel="Remove"
        destructive
        pending={action.isPending}
        error={action.error}
        testId="confirm-detach"
        onConfirm={() =>
          detaching &&
          action.mutate(
            { id: detaching.id, action: 'detach' },
            {
              onSuccess: () => {
                toast({ title: 'Payment method removed' });
                setDetaching(null);
              },
            },
          )
        }
        onCancel={() => {
          action.reset();
          setDetaching(null);
        }}
      />
    </>
  );
}

/**
 * Opens Stripe's hosted page for saving a card (Checkout in setup mode) in a new tab, and keeps its link on the
 * page for a blocked pop-up or to hand to the customer. The page comes back here with `?setup=complete`.
 */
interface HostedOutcome {
  onSuccess: (r: { url: string }) => void;
  onError: (err: unknown) => void;
}

/**
 * Opens a Stripe-hosted page in a new tab — opened in the click, so no pop-up blocker stops it, and pointed at
 * the page once its single-use link exists — and keeps the link on the page to open or copy.
 */
function HostedPageButton({
  link,
  linkLabel,
  linkTestId,
  buttonTestId,
  pending,
  request,
  children,
}: {
  link: string | undefined;
  linkLabel: string;
  linkTestId: string;
  buttonTestId: string;
  pending: boolean;
  request: (outcome: HostedOutcome) => void;
  children: React.ReactNode;
}) {
  const toast = useToast();
  return (
    <>
      {link ? (
        <span className="flex items-center gap-2 text-sm">
          <a
            href={link}
            target="_blank"
            rel="noreferrer"
            className="text-primary hover:underline"
            data-testid={linkTestId}
          >
            {linkLabel}
          </a>
          <CopyButton size="sm" value={link} label="Copy" />
        </span>
      ) : null}
      <Button
        variant="outline"
        loading={pending}
        data-testid={buttonTestId}
        onClick={() => {
          const tab = window.open('about:blank', '_blank');
          request({
            onSuccess: ({ url }) => {
              if (!tab) return;
              tab.opener = null;
              tab.location.href = url;
            },
            onError: (err) => {
              tab?.close();
              toast({ title: errorMessage(err), variant: 'error' });
            },
          });
        }}
      >
        {children}
      </Button>
    </>
  );
}

function AddPaymentMethodButton({
  tenantId,
  customerId,
  onOpened,
}: {
  tenantId: string;
  customerId: string;
  onOpened: () => void;
}) {
  const setup = useSetupSession(tenantId, customerId);
  return (
    <HostedPageButton
      link={setup.data?.url}
      linkLabel="Setup link"
      linkTestId="setup-link"
      buttonTestId="add-payment-method-button"
      pending={setup.isPending}
      request={(outcome) => {
        const here = `${window.location.origin}${window.location.pathname}`;
        setup.mutate(
          { success_url: `${here}?setup=complete`, cancel_url: here },
          {
            onSuccess: (r) => {
              onOpened();
              outcome.onSuccess(r);
            },
            onError: outcome.onError,
          },
        );
      }}
    >
      <Plus aria-hidden="true" />
      Add payment method
    </HostedPageButton>
  );
}

/** How long the methods are read again after a setup page opens or comes back: they arrive by webhook. */
const SETUP_POLL_MS = 10 * 60_000;

/** Opens a single-use Stripe customer portal link, and keeps it on the page for a blocked pop-up. */
function PortalButton({ tenantId, customerId }: { tenantId: string; customerId: string }) {
  const portal = usePortalSession(tenantId, customerId);
  return (
    <HostedPageButton
      link={portal.data?.url}
      linkLabel="Portal link"
      linkTestId="portal-link"
      buttonTestId="portal-button"
      pending={portal.isPending}
      request={(outcome) => portal.mutate(undefined, outcome)}
    >
      <ExternalLink aria-hidden="true" />
      Customer portal
    </HostedPageButton>
  );
}

function DetailsCard({ customer: c }: { customer: Customer }) {
  const address = c.address
    ? [
        c.address.line1,
        c.address.line2,
        [c.address.postal_code, c.address.city].filter(Boolean).join(' '),
        c.address.state,
        c.address.country,
      ]
        .filter(Boolean)
        .join(', ')
    : '';
  const metadata = Object.entries(c.metadata);
  return (
    <Card>
      <CardHeader>
        <CardTitle>Details</CardTitle>
      </CardHeader>
      <CardContent>
        <dl data-testid="customer-details">
          <DetailRow label="Name" testId="customer-detail-name">
            {c.name ?? '—'}
          </DetailRow>
          <DetailRow label="Email" testId="customer-detail-email">
            {c.email ?? '—'}
          </DetailRow>
          <DetailRow label="Phone">{c.phone ?? '—'}</DetailRow>
          <DetailRow label="Address">{address || '—'}</DetailRow>
          <DetailRow label="Created">{formatTimestamp(c.created)}</DetailRow>
          <DetailRow label="Customer">
            <code className="font-mono text-xs">{c.id}</code>
          </DetailRow>
          <DetailRow label="Stripe">
            <code className="font-mono text-xs">{c.stripe_customer_id ?? '—'}</code>
          </DetailRow>
        </dl>
        <h3 className="mt-4 mb-1 text-sm font-medium">Metadata</h3>
        {metadata.length ? (
          <dl data-testid="customer-metadata">
            {metadata.map(([k, v]) => (
              <DetailRow key={k} label={k} testId={`customer-metadata-${k}`}>
                {v}
              </DetailRow>
            ))}
          </dl>
        ) : (
          <p className="text-sm text-muted-foreground">None</p>
        )}
      </CardContent>
    </Card>
  );
}

/** The customer's payments, invoices and subscriptions: the tenant's lists filtered by `customer`. */
function CustomerActivity({ tenantId, customerId, manage }: SectionProps) {
  const paymentPages = useCursorPagination(10);
  const invoicePages = useCursorPagination(10);
  const subscriptionPages = useCursorPagination(10);
  const payments = usePayments(tenantId, { ...paymentPages.params, customer: customerId });
  const invoices = useInvoices(tenantId, { ...invoicePages.params, customer: customerId });
  const subscriptions = useSubscriptions(tenantId, { ...subscriptionPages.params, customer: customerId });
  const [openSubscription, setOpenSubscription] = React.useState<string | null>(null);
  return (
    <div className="mt-4 space-y-4">
      <ListCard
        query={payments}
        title="Payments"
        loadingLabel="Loading payments"
        pagination={paymentPages}
        empty={<EmptyState icon={<Receipt />} title="No payments from this customer yet" />}
      >
        {(rows) => <PaymentsTable tenantId={tenantId} rows={rows} busy={payments.isFetching} />}
      </ListCard>
      <ListCard
        query={invoices}
        title="Invoices"
        loadingLabel="Loading invoices"
        pagination={invoicePages}
        empty={<EmptyState icon={<FileText />} title="No invoices for this customer" />}
      >
        {(rows) => <InvoicesTable rows={rows} />}
      </ListCard>
      <ListCard
        query={subscriptions}
        title="Subscriptions"
        loadingLabel="Loading subscriptions"
        pagination={subscriptionPages}
        empty={<EmptyState icon={<Repeat />} title="No subscriptions for this customer" />}
      >
        {(rows) => <SubscriptionsTable rows={rows} onOpen={setOpenSubscription} />}
      </ListCard>
      {openSubscription ? (
        <SubscriptionDialog
          tenantId={tenantId}
          id={openSubscription}
          manage={manage}
          onClose={() => setOpenSubscription(null)}
        />
      ) : null}
    </div>
  );
}

export function CustomerDetailPage({
  tenantId,
  customerId,
  setupComplete = false,
}: {
  tenantId: string;
  customerId: string;
  /** back from Stripe's setup page: the new method (and the default) may still be on its way */
  setupComplete?: boolean;
}) {
  const customer = useCustomer(tenantId, customerId);
  const manage = canManage(useTenantRole(tenantId));
  const [editing, setEditing] = React.useState(false);
  const [pollMethodsUntil, setPollMethodsUntil] = React.useState(() =>
    setupComplete ? Date.now() + SETUP_POLL_MS : undefined,
  );
  if (customer.isPending) return <LoadingBlock label="Loading customer" />;
  if (customer.error) return <ErrorState error={customer.error} onRetry={() => void customer.refetch()} />;
  const c = customer.data;
  return (
    <>
      <BackLink tenantId={tenantId} to="/tenants/$tenantId/customers">
        Customers
      </BackLink>
      <PageHeader
        title={c.name ?? c.email ?? c.id}
        description={c.name && c.email ? c.email : undefined}
        actions={
          manage ? (
            <>
              <AddPaymentMethodButton
                tenantId={tenantId}
                customerId={c.id}
                onOpened={() => setPollMethodsUntil(Date.now() + SETUP_POLL_MS)}
              />
              <PortalButton tenantId={tenantId} customerId={c.id} />
              <Button onClick={() => setEditing(true)} data-testid="customer-edit-button">
                <Pencil aria-hidden="true" />
                Edit
              </Button>
            </>
          ) : null
        }
      />
      <PaymentsDisabledNotice tenantId={tenantId} />
      {manage ? null : <ReadOnlyNotice what="edit customers or their payment methods" />}
      <div className="grid gap-4 lg:grid-cols-2">
        <DetailsCard customer={c} />
        <PaymentMethodsCard
          tenantId={tenantId}
          customerId={c.id}
          manage={manage}
          pollUntil={pollMethodsUntil}
        />
      </div>
      <CustomerActivity tenantId={tenantId} customerId={c.id} manage={manage} />
      {editing ? (
        <EditCustomerDialog tenantId={tenantId} customer={c} onClose={() => setEditing(false)} />
      ) : null}
    </>
  );
}
