// Every Stripe API route the sandbox serves. Part 2 resources register here too.
import { registerOAuth } from './connect/oauth.ts';
import { registerAccountLinks } from './resources/account_links.ts';
import { registerAccounts } from './resources/accounts.ts';
import { registerApplicationFees } from './resources/application_fees.ts';
import { registerBalance } from './resources/balance.ts';
import { registerCharges } from './resources/charges.ts';
import { registerCoupons } from './resources/coupons.ts';
import { registerCustomers } from './resources/customers.ts';
import { registerDisputes } from './resources/disputes.ts';
import { registerEvents } from './resources/events.ts';
import { registerFiles } from './resources/files.ts';
import { registerInvoices } from './resources/invoices.ts';
import { registerPaymentIntents } from './resources/payment_intents.ts';
import { registerPaymentMethods } from './resources/payment_methods.ts';
import { registerProducts } from './resources/products.ts';
import { registerRefunds } from './resources/refunds.ts';
import { registerSetupIntents } from './resources/setup_intents.ts';
import { registerTransfers } from './resources/transfers.ts';
import { registerWebhookEndpoints } from './resources/webhook_endpoints.ts';
import { Router } from './router.ts';

export function buildRouter(): Router {
  const r = new Router();
  registerCustomers(r);
  registerPaymentMethods(r);
  registerPaymentIntents(r);
  registerSetupIntents(r);
  registerCharges(r);
  registerRefunds(r);
  registerBalance(r);
  registerApplicationFees(r);
  registerTransfers(r);
  registerDisputes(r);
  registerFiles(r);
  registerEvents(r);
  registerWebhookEndpoints(r);
  registerAccounts(r);
  registerAccountLinks(r);
  registerOAuth(r);
  registerProducts(r);
  registerCoupons(r);
  registerInvoices(r);
  return r;
}
