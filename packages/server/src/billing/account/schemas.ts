import { z } from 'zod';
import {
  type BillingState,
  billingStates,
  type PlanInvoiceLine,
  type PlanInvoiceTax,
  type platformInvoices,
} from '../../db/schema/index.ts';
import { amountsInSteps, currencyCode, unixTime } from '../../http/schemas.ts';
import type { Stripe } from '../../stripe/client.ts';
import type { NewMethodOutcome } from '../dunning/service.ts';
import { declineInWords } from '../tenant-plan/accept.ts';
import type { Confirmed } from './confirm-setup.ts';
import type { MethodView } from './payment-methods.ts';

// The tenant's billing account's API shapes (docs/platform-billing.md, "Billing account"). Money: integer minor
// units of its `currency`, as Stripe's.

// ---- payment methods

export const setupBody = z.strictObject({ type: z.enum(['card', 'us_bank_account']).optional() });
export const setupSchema = z.object({
  object: z.literal('billing_setup_page'),
  id: z.string(),
  url: z.string(),
  expires_at: z.number(),
});

export const methodParams = z.strictObject({
  id: z.string().min(1).max(100),
  billing_pm_id: z.string().min(1).max(255),
});

export const paymentMethodSchema = z.object({
  object: z.literal('billing_payment_method'),
  id: z.string(),
  type: z.enum(['card', 'us_bank_account', 'other']),
  brand: z.string().nullable(),
  last4: z.string().nullable(),
  exp_month: z.number().nullable(),
  exp_year: z.number().nullable(),
  bank_name: z.string().nullable(),
  is_default: z.boolean(),
  created: z.number(),
});
export type ApiBillingPaymentMethod = z.infer<typeof paymentMethodSchema>;

/** Only what a person needs to recognise the method: never more card data. */
export function toApiMethod(v: MethodView): ApiBillingPaymentMethod {
  const { pm } = v;
  const type: ApiBillingPaymentMethod['type'] =
    pm.type === 'card' ? 'card' : pm.type === 'us_bank_account' ? 'us_bank_account' : 'other';
  return {
    object: 'billing_payment_method',
    id: pm.id,
    type,
    brand: pm.card?.brand ?? null,
    last4: pm.card?.last4 ?? pm.us_bank_account?.last4 ?? null,
    exp_month: pm.card?.exp_month ?? null,
    exp_year: pm.card?.exp_year ?? null,
    bank_name: pm.us_bank_account?.bank_name ?? null,
    is_default: v.isDefault,
    created: pm.created,
  };
}

// ---- back from the setup page: the confirmation (confirm-setup.ts)

export const confirmBody = z.strictObject({ checkout_session: z.string().min(1).max(255) });

/** The attempt the saved method made on what a dunning case owes; null when nothing was owed. */
export const setupAttemptSchema = z
  .object({
    status: z.enum(['paid', 'declined', 'processing']),
    decline_code: z.string().nullable(),
    /** a decline in words ("the card has insufficient funds") */
    message: z.string().nullable(),
  })
  .nullable();

export function toApiSetupAttempt(a: NewMethodOutcome): z.infer<typeof setupAttemptSchema> {
  if (a.kind === 'none') return null;
  if (a.kind === 'declined')
    return {
      status: 'declined',
      decline_code: a.declineCode,
      message: declineInWords(a.declineCode),
    };
  return { status: a.kind, decline_code: null, message: null };
}

export const confirmationSchema = z.object({
  object: z.literal('billing_payment_method_confirmation'),
  payment_method: paymentMethodSchema,
  attempt: setupAttemptSchema,
  state: z.enum(billingStates),
});

export const toApiConfirmation = <M>(c: Confirmed, method: M) => ({
  object: 'billing_payment_method_confirmation' as const,
  payment_method: method,
  attempt: toApiSetupAttempt(c.attempt),
  state: c.state as BillingState,
});

// ---- contact

const addressSchema = z.strictObject({
  line1: z.string().trim().min(1).max(200),
  line2: z.string().trim().max(200).nullable().optional(),
  city: z.string().trim().min(1).max(200),
  state: z.string().trim().max(200).nullable().optional(),
  postal_code: z.string().trim().min(1).max(20),
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'a two-letter ISO country code')
    .transform((c) => c.toUpperCase()),
});

export const contactBody = z.strictObject({
  email: z.email().max(254),
  name: z.string().trim().min(1).max(256),
  address: addressSchema.nullable().optional(),
});
export type ContactBody = z.infer<typeof contactBody>;

export const contactSchema = z.object({
  object: z.literal('billing_contact'),
  email: z.string().nullable(),
  name: z.string().nullable(),
  address: z
    .object({
      line1: z.string().nullable(),
      line2: z.string().nullable(),
      city: z.string().nullable(),
      state: z.string().nullable(),
      postal_code: z.string().nullable(),
      country: z.string().nullable(),
    })
    .nullable(),
});
export type ApiBillingContact = z.infer<typeof contactSchema>;

export function toApiContact(c: Stripe.Customer | null): ApiBillingContact {
  const a = c?.address;
  return {
    object: 'billing_contact',
    email: c?.email ?? null,
    name: c?.name ?? null,
    address: a
      ? {
          line1: a.line1 ?? null,
          line2: a.line2 ?? null,
          city: a.city ?? null,
          state: a.state ?? null,
          postal_code: a.postal_code ?? null,
          country: a.country ?? null,
        }
      : null,
  };
}

// ---- invoices

const periodSchema = z.object({ start: z.number(), end: z.number() }).nullable();

export const invoiceSchema = z.object({
  object: z.literal('billing_invoice'),
  id: z.string(),
  number: z.string().nullable(),
  status: z.string(),
  currency: z.string(),
  subtotal: z.number(),
  total: z.number(),
  amount_due: z.number(),
  amount_paid: z.number(),
  amount_remaining: z.number(),
  total_tax: z.number().nullable(),
  taxes: z.array(
    z.object({
      amount: z.number(),
      taxable_amount: z.number().nullable(),
      tax_behavior: z.string().nullable(),
      tax_rate: z.string().nullable(),
    }),
  ),
  created: z.number(),
  period: periodSchema,
  lines: z.array(
    z.object({
      id: z.string(),
      description: z.string().nullable(),
      amount: z.number(),
      currency: z.string(),
      quantity: z.number().nullable(),
      period: periodSchema,
      proration: z.boolean(),
    }),
  ),
  hosted_invoice_url: z.string().nullable(),
  invoice_pdf: z.string().nullable(),
  subscription: z.string().nullable(),
});
export type ApiBillingInvoice = z.infer<typeof invoiceSchema>;

type InvoiceRow = typeof platformInvoices.$inferSelect;

export function toApiInvoice(r: InvoiceRow): ApiBillingInvoice {
  return {
    object: 'billing_invoice',
    id: r.id,
    number: r.number,
    status: r.status,
    currency: r.currency,
    subtotal: r.subtotal,
    total: r.total,
    amount_due: r.amountDue,
    amount_paid: r.amountPaid,
    amount_remaining: r.amountRemaining,
    total_tax: r.totalTax,
    taxes: r.taxes,
    created: unixTime(r.createdAt)!,
    period:
      r.periodStart && r.periodEnd ? { start: unixTime(r.periodStart)!, end: unixTime(r.periodEnd)! } : null,
    lines: r.lines,
    hosted_invoice_url: r.hostedInvoiceUrl,
    invoice_pdf: r.invoicePdf,
    subscription: r.stripeSubscriptionId,
  };
}

export const invoiceParams = z.strictObject({
  id: z.string().min(1).max(100),
  billing_invoice_id: z.string().min(1).max(255),
});

export const upcomingSchema = z.object({
  object: z.literal('billing_upcoming_invoice'),
  currency: z.string(),
  subtotal: z.number(),
  total: z.number(),
  amount_due: z.number(),
  /** when Stripe will make and charge it (the end of the current period) */
  date: z.number().nullable(),
  period: periodSchema,
  lines: invoiceSchema.shape.lines,
});
export const upcomingResponse = z.object({ upcoming_invoice: upcomingSchema.nullable() });

/** Stripe's lines as the mirror keeps them. */
export function linesOf(inv: Stripe.Invoice): PlanInvoiceLine[] {
  return (inv.lines?.data ?? []).map((l) => {
    const parent = (l as { parent?: { subscription_item_details?: { proration?: boolean } } }).parent;
    const legacy = (l as { proration?: boolean }).proration;
    return {
      id: l.id ?? '',
      description: l.description ?? null,
      amount: l.amount,
      currency: l.currency,
      quantity: l.quantity ?? null,
      period: l.period ? { start: l.period.start, end: l.period.end } : null,
      proration: Boolean(parent?.subscription_item_details?.proration ?? legacy ?? false),
    };
  });
}

/** `total_taxes` when Stripe gives them (Stripe Tax or tax rates on the invoice). */
export function taxesOf(inv: Stripe.Invoice): { totalTax: number | null; taxes: PlanInvoiceTax[] } {
  const raw = (inv as { total_taxes?: unknown }).total_taxes;
  if (!Array.isArray(raw) || raw.length === 0) return { totalTax: null, taxes: [] };
  const taxes = raw.map((t: Record<string, unknown>) => ({
    amount: Number(t.amount ?? 0),
    taxable_amount: typeof t.taxable_amount === 'number' ? t.taxable_amount : null,
    tax_behavior: typeof t.tax_behavior === 'string' ? t.tax_behavior : null,
    tax_rate:
      ((t.tax_rate_details as { tax_rate?: string } | null | undefined)?.tax_rate as string | undefined) ??
      null,
  }));
  return { totalTax: taxes.reduce((s, t) => s + t.amount, 0), taxes };
}

// ---- balance and credits

export const balanceSchema = z.object({
  object: z.literal('billing_balance'),
  /** Stripe's customer balance: negative is a credit the next invoices use first */
  balance: z.number(),
  /** the credit the next invoices use first (minor units; 0 when none) */
  credit: z.number(),
  /** owed and added to the next invoice (minor units; 0 when none) */
  amount_owed: z.number(),
  currency: z.string().nullable(),
});

export const creditBody = z
  .strictObject({
    amount: z.number().int().min(1).max(99_999_999_999),
    currency: currencyCode,
    description: z.string().trim().min(1).max(350),
  })
  .superRefine(amountsInSteps((b) => [[['amount'], b.amount]]));

export const creditSchema = z.object({
  object: z.literal('billing_credit'),
  id: z.string(),
  amount: z.number(),
  currency: z.string(),
  description: z.string().nullable(),
  ending_balance: z.number(),
  created: z.number(),
});

export function toApiCredit(t: Stripe.CustomerBalanceTransaction): z.infer<typeof creditSchema> {
  return {
    object: 'billing_credit',
    id: t.id,
    amount: -t.amount,
    currency: t.currency,
    description: t.description ?? null,
    ending_balance: t.ending_balance,
    created: t.created,
  };
}

export const creditNoteBody = z
  .strictObject({
    amount: z.number().int().min(1).max(99_999_999_999).optional(),
    lines: z
      .array(
        z.strictObject({
          line: z.string().min(1).max(255),
          amount: z.number().int().min(1).max(99_999_999_999),
        }),
      )
      .min(1)
      .max(100)
      .optional(),
    reason: z.enum(['duplicate', 'fraudulent', 'order_change', 'product_unsatisfactory']).optional(),
    memo: z.string().trim().min(1).max(500).optional(),
    refund: z.boolean(),
  })
  .superRefine((b, ctx) => {
    if ((b.amount === undefined) === (b.lines === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['amount'],
        message: 'Give either amount or lines (one of them).',
      });
  });
export type CreditNoteBody = z.infer<typeof creditNoteBody>;

export const creditNoteSchema = z.object({
  object: z.literal('billing_credit_note'),
  id: z.string(),
  number: z.string().nullable(),
  invoice: z.string(),
  status: z.string(),
  amount: z.number(),
  currency: z.string(),
  /** refunded to the payment method */
  refund_amount: z.number(),
  /** credited to the tenant's balance */
  credit_amount: z.number(),
  /** lowering what the open invoice still asks for */
  pre_payment_amount: z.number(),
  reason: z.string().nullable(),
  memo: z.string().nullable(),
  pdf: z.string().nullable(),
  created: z.number(),
});

export function toApiCreditNote(n: Stripe.CreditNote): z.infer<typeof creditNoteSchema> {
  const refunded = (n.refunds ?? []).reduce((sum, r) => sum + (r.amount_refunded ?? 0), 0);
  const post = n.post_payment_amount ?? 0;
  return {
    object: 'billing_credit_note',
    id: n.id,
    number: n.number ?? null,
    invoice: typeof n.invoice === 'string' ? n.invoice : n.invoice.id!,
    status: n.status,
    amount: n.amount,
    currency: n.currency,
    refund_amount: refunded,
    credit_amount: Math.max(0, post - refunded - (n.out_of_band_amount ?? 0)),
    pre_payment_amount: n.pre_payment_amount ?? 0,
    reason: n.reason ?? null,
    memo: n.memo ?? null,
    pdf: n.pdf ?? null,
    created: n.created,
  };
}
