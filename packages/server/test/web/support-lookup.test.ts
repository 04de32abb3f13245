import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupOperator } from '../../../web/e2e/flows.ts';
import { type BrowserApp, startBrowserApp } from '../helpers/browser-app.ts';

/**
 * The Support lookup page in Chromium (issue 23): a tenant's support member finds a customer by e-mail and,
 * after a refresh from Stripe, reads a settled refund's ARN and a dispute's evidence due date; the operator
 * must name a tenant or give a reason, and is told so in words; an operator's support user reads the same
 * through the tenant's page.
 */
describe('Support lookup in Chromium', () => {
  let app: BrowserApp;
  beforeAll(async () => {
    app = await startBrowserApp();
  });
  afterAll(() => app?.close());

  it("a support member finds a customer by e-mail and sees the refund's ARN and the dispute's due date", async () => {
    const tenant = await app.call('/v1/tenants', { name: 'Lookup Yoga' });
    const t = `/v1/tenants/${tenant.id}`;
    await app.connectEnabled(tenant.id);
    const customer = await app.call(`${t}/customers`, { email: 'Jo.Doe@Example.com', name: 'Jo Doe' });
    const other = await app.call(`${t}/customers`, { email: 'someone.else@example.com' });
    await app.call(`${t}/customers/${customer.id}/setup_intents`, { payment_method: 'pm_card_visa' });
    const paid = await app.call(`${t}/payment_intents`, {
      amount: 3000,
      currency: 'usd',
      customer: customer.id,
      off_session: true,
    });
    const refund = await app.call(`${t}/payments/${paid.id}/refunds`, { amount: 3000 });
    // the card network settles it: Stripe gives its ARN (read by the page's refresh)
    const settled = await fetch(`${app.sandbox.url}/_sandbox/refunds/settle`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(settled.status).toBe(200);
    await app.call(`${t}/customers/${customer.id}/setup_intents`, {
      payment_method: 'pm_card_createDispute',
      set_default: true,
    });
    await app.call(`${t}/payment_intents`, {
      amount: 4500,
      currency: 'usd',
      customer: customer.id,
      off_session: true,
    });

    // a support member, signed in through a dashboard link, lands on the customers; the nav has the lookup
    const link = await app.call(`${t}/dashboard_links`, { email: 'agent@lookup.test', role: 'support' });
    const page = await (await app.browser.newContext({ locale: 'en-US' })).newPage();
    await page.goto(link.url);
    await page.waitForURL(`**/tenants/${tenant.id}/customers`);
    await page.getByTestId('nav-support').click();
    await page.waitForURL(`**/tenants/${tenant.id}/support`);

    // the amount is typed in major units: a card search needs four digits
    await page.getByTestId('support-search-by').selectOption('card');
    await page.getByTestId('support-search-last4').fill('42');
    await page.getByTestId('support-search-submit').click();
    expect(await page.getByTestId('support-search-problem').innerText()).toContain('four digits');
    await page.getByTestId('support-search-last4').fill('4242');
    await page.getByTestId('support-search-amount').fill('30.00');
    await page.getByTestId('support-search-submit').click();
    await page.getByTestId(`support-result-${customer.id}`).waitFor();

    // by e-mail, whatever its letter case: the one customer, not the other
    await page.getByTestId('support-search-by').selectOption('email');
    await page.getByTestId('support-search-value').fill('jo.doe@example.com');
    await page.getByTestId('support-search-submit').click();
    const row = page.getByTestId(`support-result-${customer.id}`);
    await row.waitFor();
    expect(await row.innerText()).toContain('Lookup Yoga');
    expect(await page.getByTestId(`support-result-${other.id}`).count()).toBe(0);
    await page.getByTestId(`support-open-${customer.id}`).click();
    await page.getByTestId('support-customer').waitFor();
    expect(await page.getByTestId('support-source').getAttribute('data-source')).toBe('mirror');
    expect(await page.getByTestId('support-customer-name').innerText()).toContain('Jo Doe');

    // Stripe has the ARN and the dispute before Tributary's records do: the refresh reads them
    await page.getByTestId('support-refresh').click();
    await expect.poll(() => page.getByTestId('support-source').getAttribute('data-source')).toBe('stripe');
    expect(await page.getByTestId('support-source').innerText()).toContain('Read from Stripe just now');

    const detail = await app.call(`/v1/support/customers/${customer.id}?tenant=${tenant.id}`);
    const [r] = detail.refunds;
    expect(r).toMatchObject({ id: refund.id, status: 'succeeded', arn: expect.stringMatching(/^\d+$/) });
    const words = await page.getByTestId(`support-words-${r.id}`).innerText();
    expect(words).toContain('Refund of $30.00 issued');
    expect(words).toContain('usually arrives in 5–10 business days');
    expect(words).toContain(`ARN ${r.arn}`);
    expect(await page.getByTestId(`support-arn-${r.id}`).innerText()).toMatch(new RegExp(`^ARN\\s+${r.arn}`));

    const [d] = detail.disputes;
    expect(d.evidence_due_by).toEqual(expect.any(Number));
    const due = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric' }).format(
      new Date(d.evidence_due_by * 1000),
    );
    expect(await page.getByTestId(`support-words-${d.id}`).innerText()).toContain(
      `Dispute (${d.reason.replaceAll('_', ' ')}) of $45.00: evidence due ${due}`,
    );
    expect(await page.getByTestId(`support-due-${d.id}`).innerText()).toBe(`Evidence due ${due}`);
    // the timeline, newest first, explains the refund too
    const timeline = page.getByTestId('support-timeline');
    expect(await timeline.innerText()).toContain(`ARN ${r.arn}`);
    await page.getByTestId(`copy-${r.arn}`).first().click();
    await page.getByTestId(`copy-${r.arn}`).first().getByText('Copied').waitFor();

    // the operator names a tenant or gives a reason: the page says so in words, then finds the customer
    const operator = await (await app.browser.newContext({ locale: 'en-US' })).newPage();
    await setupOperator(operator, app.running.setupUrl!, {
      name: 'Olivia Operator',
      email: 'operator@lookup.test',
      password: 'a long operator password',
    });
    await operator.getByTestId('nav-operator-support').click();
    await operator.waitForURL('**/operator/support');
    await operator.getByTestId('support-search-value').fill('JO.DOE@example.com');
    await operator.getByTestId('support-search-submit').click();
    expect(await operator.getByTestId('support-search-error').innerText()).toContain(
      'Choose the tenant to look in, or give a reason',
    );
    await operator.getByTestId('support-reason').fill('Helpdesk ticket 8812');
    await operator.getByTestId('support-search-submit').click();
    await operator.getByTestId(`support-open-${customer.id}`).click();
    await operator.getByTestId(`support-arn-${r.id}`).waitFor();
    const audit = (await app.call('/v1/audit_log')).data as { action: string; data: { reason?: string } }[];
    expect(audit.find((e) => e.action === 'support.customers.searched')?.data.reason).toBe(
      'Helpdesk ticket 8812',
    );

    // an operator's support user picks the tenant in the switcher and finds the customer on its lookup page
    const invited = await app.call('/v1/support_users', { email: 'sam@lookup.test', name: 'Sam Support' });
    const sam = await (await app.browser.newContext({ locale: 'en-US' })).newPage();
    await sam.goto(invited.url);
    await sam.getByTestId('support-invitation-password').fill('a long support password');
    await sam.getByTestId('support-invitation-submit').click();
    await sam.getByTestId('support-home').waitFor();
    await sam.getByTestId('tenant-switcher').selectOption(tenant.id);
    await sam.waitForURL(`**/tenants/${tenant.id}/customers`);
    await sam.getByTestId('nav-support').click();
    await sam.getByTestId('support-search-value').fill('jo.doe@EXAMPLE.com');
    await sam.getByTestId('support-search-submit').click();
    await sam.getByTestId(`support-open-${customer.id}`).click();
    await sam.getByTestId(`support-due-${d.id}`).waitFor();
    expect(await sam.getByTestId(`support-arn-${r.id}`).innerText()).toContain(r.arn);
  });
});
