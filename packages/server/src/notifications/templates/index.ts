import type { TemplateContext } from './context.ts';
import {
  type CardExpiringData,
  cardExpiring,
  type InvoiceSentData,
  invoiceSent,
  type PaymentFailedData,
  paymentFailed,
  type ReceiptData,
  type RenewalReminderData,
  receipt,
  renewalReminder,
} from './customer-emails.ts';
import { type DisputeClosedData, type DisputeData, disputeClosed, disputeOpened } from './disputes.ts';
import { type EmailDocument, type RenderedEmail, renderDocument } from './document.ts';
import {
  type PlanAttemptFailedData,
  type PlanPaymentFailedData,
  type PlanRecoveredData,
  type PlanSuspendedData,
  planAttemptFailed,
  planPaymentFailed,
  planRecovered,
  planSuspended,
} from './dunning.ts';
import {
  type AccountData,
  type AccountDisabledData,
  type AccountNeedsInformationData,
  accountDeauthorized,
  accountDisabled,
  accountNeedsInformation,
  type InvoicePaidData,
  invoicePaid,
  type PayoutFailedData,
  payoutFailed,
  type RefundFailedData,
  refundFailed,
} from './owner-alerts.ts';
import { type UsageThresholdData, usageThreshold } from './usage.ts';

export type { TemplateContext } from './context.ts';
export type { LineItem } from './customer-emails.ts';
export {
  type EmailDocument,
  type EmailStyle,
  headerSafe,
  type RenderedEmail,
  renderDocument,
} from './document.ts';

/** Every template, by name, with the data it takes. */
export interface TemplateData {
  /** to the tenant's owners and admins, at once: amount, reason, evidence due date, link to respond */
  dispute_opened: DisputeData;
  /** to the tenant's owners and admins: won, lost or closed */
  dispute_closed: DisputeClosedData;
  refund_failed: RefundFailedData;
  payout_failed: PayoutFailedData;
  account_needs_information: AccountNeedsInformationData;
  account_disabled: AccountDisabledData;
  account_deauthorized: AccountData;
  invoice_paid: InvoicePaidData;
  /** to the tenant's owners and admins and its billing contact: a usage threshold of its plan reached */
  usage_threshold: UsageThresholdData;
  /** dunning, to the tenant's owners and admins and its billing contact: its plan's renewal failed, a retry
   * failed, the account is suspended, the invoice was paid after all */
  plan_payment_failed: PlanPaymentFailedData;
  plan_attempt_failed: PlanAttemptFailedData;
  plan_suspended: PlanSuspendedData;
  plan_recovered: PlanRecoveredData;
  /** to the tenant's customers, when the tenant turned the e-mail on */
  receipt: ReceiptData;
  invoice_sent: InvoiceSentData;
  payment_failed: PaymentFailedData;
  renewal_reminder: RenewalReminderData;
  card_expiring: CardExpiringData;
}
export type TemplateName = keyof TemplateData;

const templates: { [T in TemplateName]: (data: TemplateData[T], ctx: TemplateContext) => EmailDocument } = {
  dispute_opened: disputeOpened,
  dispute_closed: disputeClosed,
  refund_failed: refundFailed,
  payout_failed: payoutFailed,
  account_needs_information: accountNeedsInformation,
  account_disabled: accountDisabled,
  account_deauthorized: accountDeauthorized,
  invoice_paid: invoicePaid,
  usage_threshold: usageThreshold,
  plan_payment_failed: planPaymentFailed,
  plan_attempt_failed: planAttemptFailed,
  plan_suspended: planSuspended,
  plan_recovered: planRecovered,
  receipt,
  invoice_sent: invoiceSent,
  payment_failed: paymentFailed,
  renewal_reminder: renewalReminder,
  card_expiring: cardExpiring,
};

export const templateNames = Object.keys(templates) as TemplateName[];

export function renderTemplate<T extends TemplateName>(
  name: T,
  data: TemplateData[T],
  ctx: TemplateContext,
): Promise<RenderedEmail> {
  return renderDocument(templates[name](data, ctx), ctx.style);
}
