import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserApp, startBrowserApp } from '../helpers/browser-app.ts';
import { waitFor } from '../helpers/webhooks.ts';

interface ApiNotification {
  id: string;
  template: string;
  status: string;
  text: string;
  recipients: string[];
  headers: { from: string };
}

/**
 * E-mail branding in Settings, in Chromium, in the embedded mode (no SMTP: the Mailbox keeps every e-mail):
 * header characters in the display name and a stranger as Reply-To are refused; the live preview follows the
 * accent colour; a billing contact is verified through the link its e-mail carries, once.
 */
describe('E-mail branding in Chromium', () => {
  let app: BrowserApp;
  beforeAll(async () => {
    app = await startBrowserApp({}, { webhooks: true });
  });
  afterAll(() => app?.close());

  const refusal = async (path: string, body: object) => {
    const res = await app.request(path, body);
    return { status: res.status, code: ((await res.json()) as { error: { code: string } }).error.code };
  };

  it('refuses header characters and strangers, previews the accent colour, verifies a billing contact once', async () => {
    const tenant = await app.call('/v1/tenants', { name: 'Acme Bikes' });
    const t = `/v1/tenants/${tenant.id}`;
    const owner = await app.signIn(tenant.id, 'owner@acme.test', 'owner');

    // the display name: words only
    for (const bad of [
      'Acme <evil@attacker.test>',
      'Acme\r\nBcc: all@victims.test',
      'Acme "Bikes"',
      'x'.repeat(65),
    ])
      expect(await refusal(`${t}/branding`, { brand_name: bad })).toEqual({
        status: 400,
        code: 'brand_name_invalid',
      });
    expect(await refusal(`${t}/branding`, { reply_to: 'stranger@example.com' })).toEqual({
      status: 400,
      code: 'reply_to_not_allowed',
    });
    expect(await refusal(`${t}/branding`, { logo_url: 'http://acme.test/logo.png' })).toMatchObject({
      code: 'logo_url_invalid',
    });
    expect(await refusal(`${t}/branding/preview`, { accent_color: 'red' })).toMatchObject({
      code: 'accent_color_invalid',
    });

    // Settings: the same refusal in the form, then the live preview follows the accent colour
    await owner.getByTestId('nav-settings').click();
    await owner.getByTestId('branding-preview').waitFor();
    await owner.getByTestId('branding-name').fill('Acme <evil@attacker.test>');
    await owner.getByTestId('branding-submit').click();
    await owner.getByTestId('branding-error').waitFor();
    await owner.getByTestId('branding-name').fill('Acme Pro');
    await owner.getByTestId('branding-accent').fill('#ff5500');
    expect(await owner.getByTestId('branding-name').inputValue()).toBe('Acme Pro');
    expect(await owner.getByTestId('branding-accent').inputValue()).toBe('#ff5500');
    const preview = owner.getByTestId('branding-preview');
    // the server's rendering of what was typed: both changes in one document
    await expect
      .poll(
        async () => {
          const html = (await preview.getAttribute('srcdoc')) ?? '';
          return html.includes('#ff5500') && html.includes('Acme Pro');
        },
        { timeout: 20_000 },
      )
      .toBe(true);
    expect(await preview.getAttribute('sandbox')).toBe('');
    const previewBody = owner.frameLocator('[data-testid="branding-preview"]').locator('body');
    await expect.poll(() => previewBody.textContent(), { timeout: 20_000 }).toContain('Acme Pro');
    await expect
      .poll(() => owner.getByTestId('branding-preview-from').textContent(), { timeout: 20_000 })
      .toMatch(/^"Acme Pro via .+" <.+@.+>$/);
    // the language: the preview follows it before anything is saved
    await owner.getByTestId('branding-locale').selectOption('fr');
    await expect
      .poll(() => previewBody.textContent(), { timeout: 20_000 })
      .toContain('Un paiement a été contesté');
    await owner.getByTestId('branding-locale').selectOption('');
    await expect
      .poll(() => previewBody.textContent(), { timeout: 20_000 })
      .toContain('A payment was disputed');
    await owner.getByTestId('branding-reply-to').selectOption('owner@acme.test');
    await owner.getByTestId('branding-submit').click();
    await expect
      .poll(async () => (await app.call(`${t}/branding`)).accent_color as string, { timeout: 20_000 })
      .toBe('#ff5500');
    const saved = await app.call(`${t}/branding`);
    expect(saved).toMatchObject({ brand_name: 'Acme Pro', reply_to: 'owner@acme.test' });
    // the API's preview with another colour: the server renders it through the same layout
    const api = await app.call(`${t}/branding/preview`, { accent_color: '#00aa11' });
    expect(api.html).toContain('#00aa11');
    expect(api.html).not.toContain('#ff5500');

    // a billing contact: unverified, it cannot be Reply-To
    await owner.getByTestId('billing-contact-email').fill('billing@acme-finance.test');
    await owner.getByTestId('billing-contact-submit').click();
    await expect
      .poll(() => owner.getByTestId('billing-contact-status').textContent())
      .toBe('Awaiting verification');
    expect(await refusal(`${t}/branding`, { reply_to: 'billing@acme-finance.test' })).toMatchObject({
      code: 'reply_to_not_allowed',
    });

    // its verification e-mail is in the Mailbox (no SMTP here), branded, with the link
    await owner.getByTestId('nav-emails').click();
    await owner.getByRole('heading', { name: 'Mailbox' }).waitFor();
    const mail = await waitFor(async () => {
      const list = (await app.call(`${t}/notifications?limit=100`)).data as ApiNotification[];
      return list.find((n) => n.template === 'billing_contact_verification' && n.status === 'sent');
    }, 'verification e-mail kept in the mailbox');
    expect(mail.recipients).toEqual(['billing@acme-finance.test']);
    expect(mail.headers.from).toBe(saved.from);
    await owner.getByTestId(`mail-row-${mail.id}`).click();
    expect(await owner.getByTestId('mail-header-Reply-To').textContent()).toBe('owner@acme.test');
    // the tenant's own view never hands out the link (a member could "verify" any address with it)
    expect(mail.text).toContain('token=REDACTED');
    await owner.getByTestId('mail-part-text').click();
    expect(await owner.getByTestId('mail-text').textContent()).toContain('token=REDACTED');
    // the platform's mailbox shows the e-mail as sent, link included
    const all = (await app.call('/v1/notifications?limit=100')).data as ApiNotification[];
    const sent = all.find((n) => n.id === mail.id)!;
    const link = /https?:\/\/\S+\/notifications\/billing_contact\/verify\?\S+/.exec(sent.text)![0];
    expect(link).not.toContain('REDACTED');
    const tryToken = (token: string) =>
      fetch(link.replace(/token=[^&]+/, `token=${token}`), { method: 'POST', redirect: 'manual' });
    expect((await tryToken('REDACTED')).headers.get('location')).toContain('billing_contact=invalid');

    // the link, opened, only asks to confirm (a mail scanner opening it verifies nothing)
    await owner.goto(link);
    await owner.getByTestId('verify-billing-contact').waitFor();
    expect((await app.call(`${t}/branding`)).billing_contact.verified).toBe(false);
    // confirmed: verified, back in Settings; a second time the link is spent
    await owner.getByTestId('verify-billing-contact').click();
    await owner.waitForURL(`**/tenants/${tenant.id}/settings?billing_contact=verified`);
    await expect.poll(() => owner.getByTestId('billing-contact-status').textContent()).toBe('Verified');
    await owner.goto(link);
    await owner.getByTestId('verify-billing-contact').click();
    await owner.waitForURL(`**/tenants/${tenant.id}/settings?billing_contact=invalid`);
    await owner.getByTestId('billing-contact-outcome').waitFor();
    expect((await tryToken('not-the-token')).headers.get('location')).toContain('billing_contact=invalid');

    // now it may be the Reply-To
    const replyTo = await app.call(`${t}/branding`, { reply_to: 'billing@acme-finance.test' });
    expect(replyTo.reply_to).toBe('billing@acme-finance.test');
    expect(replyTo.billing_contact).toMatchObject({ email: 'billing@acme-finance.test', verified: true });
  });
});
