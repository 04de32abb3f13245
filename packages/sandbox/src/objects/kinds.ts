// Every kind of stored object and its type: what Store.get/list/all return for a kind.

import type { CheckoutSession, PaymentLink } from './checkout.ts';
import type { Account } from './connect.ts';
import type { CustomerBalanceTransaction } from './customer_balance.ts';
import type { CreditNote, Invoice, InvoiceItem, InvoicePayment } from './invoices.ts';
import type {
  ApplicationFee,
  BalanceTransaction,
  FeeRefund,
  Payout,
  Transfer,
  TransferReversal,
} from './money.ts';
import type {
  Charge,
  Customer,
  Dispute,
  PaymentIntent,
  PaymentMethod,
  Refund,
  SetupIntent,
} from './payments.ts';
import type { EventDestination, StripeFile, WebhookEndpoint } from './platform.ts';
import type { Coupon, Discount, Price, Product } from './products.ts';
import type { SubscriptionSchedule } from './subscription_schedules.ts';
import type { Meter, PortalSession, Subscription, SubscriptionItem, TestClock } from './subscriptions.ts';

export interface Kinds {
  account: Account;
  /** The platform's own account (listed apart from its connected accounts). */
  platform_account: Account;
  application_fee: ApplicationFee;
  balance_transaction: BalanceTransaction;
  'billing.meter': Meter;
  'billing_portal.session': PortalSession;
  charge: Charge;
  'checkout.session': CheckoutSession;
  coupon: Coupon;
  credit_note: CreditNote;
  customer: Customer;
  customer_balance_transaction: CustomerBalanceTransaction;
  discount: Discount;
  dispute: Dispute;
  fee_refund: FeeRefund;
  file: StripeFile;
  invoice: Invoice;
  invoice_payment: InvoicePayment;
  invoiceitem: InvoiceItem;
  payment_intent: PaymentIntent;
  payment_link: PaymentLink;
  payment_method: PaymentMethod;
  payout: Payout;
  price: Price;
  product: Product;
  refund: Refund;
  setup_intent: SetupIntent;
  subscription: Subscription;
  subscription_item: SubscriptionItem;
  subscription_schedule: SubscriptionSchedule;
  'test_helpers.test_clock': TestClock;
  transfer: Transfer;
  transfer_reversal: TransferReversal;
  'v2.core.event_destination': EventDestination;
  webhook_endpoint: WebhookEndpoint;
}

export type Kind = keyof Kinds;
