import { z } from 'zod';
import { toPublicId } from '../../http/ids.ts';
import { shownOnce } from '../../http/schemas.ts';
import type { InvoiceRow } from '../account/invoices.ts';
import type { MethodView } from '../account/payment-methods.ts';
import { confirmationSchema, paymentMethodSchema, toApiMethod } from '../account/schemas.ts';
import type { Summary } from './recover.ts';

// The recovery page's API shapes (docs/platform-billing.md, "Recovery"). Money: integer minor units of
// `currency`, as Stripe's. Only what paying needs: a card by its brand, last four digits and expiry.

const states = z.enum(['active', 'trialing', 'past_due', 'warning', 'suspended']);

export const recoveryMethodSchema = paymentMethodSchema.pick({
  object: true,
  id: true,
  type: true,
  brand: true,
  last4: true,
  exp_month: true,
  exp_year: true,
  is_default: true,
});

export const recoveryInvoiceSchema = z.object({
  object: z.literal('billing_recovery_invoice'),
  id: z.string(),
  number: z.string().nullable(),
  status: z.string(),
  currency: z.string(),
  amount_due: z.number(),
  amount_remaining: z.number(),
  created: z.number(),
});

export const summarySchema = z.object({
  object: z.literal('billing_recovery'),
  tenant: z.object({ id: z.string(), name: z.string() }),
  state: states,
  amount_owed: z.number(),
  currency: z.string().nullable(),
  invoices: z.array(recoveryInvoiceSchema),
  payment_methods: z.array(recoveryMethodSchema),
  expires_at: z.number(),
});

export const payBody = z.strictObject({
  invoice: z.string().min(1).max(255),
  payment_method: z.string().min(1).max(255),
});

export const paymentSchema = z.object({
  object: z.literal('billing_recovery_payment'),
  status: z.enum(['paid', 'requires_action']),
  state: states,
  invoice: recoveryInvoiceSchema,
  /** requires_action: Stripe's hosted invoice page, where the bank's 3-D Secure check is done */
  url: z.string().nullable(),
});

/** For the dashboard's banner, to every member: what the tenant's dunning case still owes. */
export const statusSchema = z.object({
  object: z.literal('billing_recovery_status'),
  state: states,
  amount_owed: z.number(),
  currency: z.string().nullable(),
});

/** A fresh recovery link, for a member who may pay (`billing:write`). */
export const linkSchema = z.object({
  object: z.literal('billing_recovery_link'),
  url: shownOnce,
  expires_at: z.number(),
});

export const recoveryConfirmationSchema = confirmationSchema.extend({ payment_method: recoveryMethodSchema });

type State = z.infer<typeof states>;

export function toApiRecoveryInvoice(r: InvoiceRow): z.infer<typeof recoveryInvoiceSchema> {
  return {
    object: 'billing_recovery_invoice',
    id: r.id,
    number: r.number,
    status: r.status,
    currency: r.currency,
    amount_due: r.amountDue,
    amount_remaining: r.amountRemaining,
    created: Math.floor(r.createdAt.getTime() / 1000),
  };
}

/** What the owed invoices still add up to, in the currency of the oldest (a case is owed in one). */
export function owed(invoices: InvoiceRow[]): { amount: number; currency: string | null } {
  const currency = invoices[0]?.currency ?? null;
  const amount = invoices.filter((i) => i.currency === currency).reduce((s, i) => s + i.amountRemaining, 0);
  return { amount, currency };
}

export const toApiRecoveryMethod = (v: MethodView) => {
  const { object, id, type, brand, last4, exp_month, exp_year, is_default } = toApiMethod(v);
  return { object, id, type, brand, last4, exp_month, exp_year, is_default };
};

export function toApiSummary(s: Summary, tenantId: string, expiresAt: number): z.infer<typeof summarySchema> {
  const total = owed(s.invoices);
  return {
    object: 'billing_recovery',
    tenant: { id: toPublicId('tenant', tenantId), name: s.tenantName },
    state: s.state as State,
    amount_owed: total.amount,
    currency: total.currency,
    invoices: s.invoices.map(toApiRecoveryInvoice),
    payment_methods: s.methods.filter((m) => m.pm.type === 'card').map(toApiRecoveryMethod),
    expires_at: expiresAt,
  };
}
