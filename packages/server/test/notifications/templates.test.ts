import { describe, expect, it } from 'vitest';
import { decimalsOf, formatLocalized } from '../../src/currency.ts';
import { renderTemplate, type TemplateContext } from '../../src/notifications/templates/index.ts';
import { messagesFor } from '../../src/notifications/templates/messages/index.ts';

const ctx: TemplateContext = {
  m: messagesFor('en'),
  tenantName: 'Kyoto <Tea> & Co',
  locale: 'en',
  dashboardUrl: (path) => `https://pay.example.com/tenants/ten_1/${path}`,
  formatDate: (d) => d.toISOString(),
  footer: 'footer',
};

describe('e-mail templates', () => {
  it('amounts in minor units by Stripe\u2019s digits: zero- and three-decimal currencies', () => {
    expect(decimalsOf('JPY')).toBe(0);
    expect(decimalsOf('kwd')).toBe(3);
    expect(decimalsOf('eur')).toBe(2);
    expect(formatLocalized(4000, 'jpy', 'en')).toBe('¥4,000');
    expect(formatLocalized(1500, 'kwd', 'en')).toBe('KWD\u00a01.500');
    expect(formatLocalized(123456, 'eur', 'de')).toBe('1.234,56\u00a0€');
    expect(formatLocalized(4000, 'usd', 'en')).toBe('$40.00');
  });

  it('dispute_opened: subject, HTML and text from one source; the tenant name escaped in HTML', async () => {
    const r = await renderTemplate(
      'dispute_opened',
      {
        disputeId: 'dsp_1',
        paymentId: 'pay_1',
        amount: 4000,
        currency: 'jpy',
        reason: 'product_not_received',
        evidenceDueBy: '2026-12-20T23:59:59.000Z',
      },
      ctx,
    );
    expect(r.subject).toBe('Action required: a ¥4,000 payment to Kyoto <Tea> & Co is disputed');
    for (const part of [r.text, r.html]) {
      expect(part).toContain('¥4,000');
      expect(part).toContain('Product not received');
      expect(part).toContain('2026-12-20T23:59:59.000Z');
      expect(part).toContain('https://pay.example.com/tenants/ten_1/payments/pay_1');
    }
    expect(r.html).toContain('Kyoto &lt;Tea&gt; &amp; Co');
    expect(r.html).not.toContain('<Tea>');
    expect(r.html).toMatch(/@media only screen and \(min-width:480px\)/);
    expect(r.text).toContain('Kyoto <Tea> & Co');
  });

  it('dispute_closed: won and lost read differently; a subject never carries a line break', async () => {
    const base = {
      disputeId: 'dsp_1',
      paymentId: 'pay_1',
      amount: 1500,
      currency: 'kwd',
      reason: 'fraudulent',
      evidenceDueBy: null,
    };
    const won = await renderTemplate('dispute_closed', { ...base, status: 'won' }, ctx);
    const lost = await renderTemplate(
      'dispute_closed',
      { ...base, status: 'lost' },
      { ...ctx, tenantName: 'Evil\r\nBcc: victim@example.com' },
    );
    expect(won.subject).toBe('You won the dispute: KWD\u00a01.500 payment to Kyoto <Tea> & Co');
    expect(lost.subject).toBe('You lost the dispute: KWD\u00a01.500 payment to Evil Bcc: victim@example.com');
    expect(lost.subject).not.toMatch(/[\r\n]/);
  });
});
