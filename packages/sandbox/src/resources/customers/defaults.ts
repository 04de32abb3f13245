// A detached PaymentMethod stops being anyone's default: the customer's
// `invoice_settings.default_payment_method` and the `default_payment_method` of its subscriptions that named
// it are cleared (each with its `*.updated` event), so later invoices do not try a card that is gone.
import type { Ctx } from '../../app.ts';
import { changes, emit, snapshot } from '../../events.ts';

export function forgetDefaultPaymentMethod(ctx: Ctx, customer: string, pm: string): void {
  const cus = ctx.app.store.get(ctx.account, customer, 'customer');
  if (cus?.invoice_settings.default_payment_method === pm) {
    const before = snapshot(cus);
    cus.invoice_settings.default_payment_method = null;
    ctx.app.store.changed();
    emit(ctx, 'customer.updated', cus, { previous: changes(before, cus) });
  }
  for (const sub of ctx.app.store.list(ctx.account, 'subscription')) {
    if (sub.customer !== customer || sub.default_payment_method !== pm) continue;
    const before = snapshot(sub);
    sub.default_payment_method = null;
    ctx.app.store.changed();
    emit(ctx, 'customer.subscription.updated', sub, { previous: changes(before, sub) });
  }
}
