// Currencies as Stripe counts them: the ones it takes for a charge, and their minor units.
import { invalidRequest } from '../wire/errors.ts';

/** Stripe's presentment currencies (docs.stripe.com/currencies), lowercase as the API takes them. */
export const SUPPORTED_CURRENCIES: ReadonlySet<string> = new Set(
  (
    'aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob brl bsd bwp byn bzd ' +
    'cad cdf chf clp cny cop crc cve czk djf dkk dop dzd egp etb eur fjd fkp gbp gel gip gmd gnf gtq gyd ' +
    'hkd hnl htg huf idr ils inr isk jmd jod jpy kes kgs khr kmf krw kwd kyd kzt lak lbp lkr lrd lsl ' +
    'mad mdl mga mkd mmk mnt mop mur mvr mwk mxn myr mzn nad ngn nio nok npr nzd omr pab pen pgk php ' +
    'pkr pln pyg qar ron rsd rub rwf sar sbd scr sek sgd shp sle sos srd std szl thb tjs tnd top try ' +
    'ttd twd tzs uah ugx usd uyu uzs vnd vuv wst xaf xcd xcg xof xpf yer zar zmw'
  ).split(' '),
);

/** Counted in whole units (¥500 is `500`). */
export const ZERO_DECIMAL: ReadonlySet<string> = new Set(
  'bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf'.split(' '),
);

/** Three decimals; Stripe takes only amounts whose last digit is 0. */
export const THREE_DECIMAL: ReadonlySet<string> = new Set('bhd jod kwd omr tnd'.split(' '));

/** The currency lowercased, or Stripe's 400 for one it does not take. */
export function requireCurrency(value: unknown, param = 'currency'): string {
  const currency = String(value).toLowerCase();
  if (SUPPORTED_CURRENCIES.has(currency)) return currency;
  throw invalidRequest(
    `Invalid currency: ${String(value)}. Stripe currently supports these currencies: ${[...SUPPORTED_CURRENCIES].join(', ')}`,
    param,
    'parameter_invalid_string',
  );
}

/** Minor units in major units with the currency's decimals: 1250 usd → "12.50 USD", 500 jpy → "500 JPY". */
export function formatAmount(amount: number, currency: string): string {
  const c = currency.toLowerCase();
  const digits = ZERO_DECIMAL.has(c) ? 0 : THREE_DECIMAL.has(c) ? 3 : 2;
  return `${(amount / 10 ** digits).toFixed(digits)} ${c.toUpperCase()}`;
}
