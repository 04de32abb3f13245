// The payments domain's front door: the one payments file other domains import. Payments is split by
// resource — customers/ (customers and their saved payment methods), charges/ (PaymentIntents and the
// payment record of each charge), refunds/, disputes/ — each with its routes, service, repo, schemas and
// sync; routes.ts and handlers.ts gather them for the app and the webhook pipeline.

export { reverseForFeeTopUp } from './charges/fee-top-up.ts';
// charges: the payment records, Stripe's state applied to them
export { type PaymentRow, paymentIdForIntent, recordFeeTopUp } from './charges/repo.ts';
export { type ResyncChargeJob, resyncCharge } from './charges/resync.ts';
export { fetchCharge } from './charges/service.ts';
export { syncCharge, syncPaymentIntent } from './charges/sync.ts';
export { cardUpdateUrlFor } from './customers/card-update.ts';
export { type DefaultPaymentMethodJob, setFirstDefault } from './customers/default-method.ts';
// customers: where a tenant's customers live, and finding one
export { type CustomerRow, customerByStripeId, customerNames, getCustomer } from './customers/repo.ts';
export { customerAccountFor, customerForEmail, getCustomerOrThrow } from './customers/service.ts';

// refunds
export { refundsOf } from './refunds/repo.ts';
export { createRefund } from './refunds/service.ts';
