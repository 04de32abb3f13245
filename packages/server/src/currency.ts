// What Tributary knows of currencies: which ones Stripe takes, and how many decimals each has in Stripe's
// minor units. Every amount in the server is an integer in the currency's minor unit (docs/payments.md).

/**
 * The ISO 4217 codes Stripe accepts as a charge's (presentment) currency, lowercase as the API wants them.
 * Stripe's list (docs.stripe.com/currencies); a code outside it is refused with `currency_unsupported`.
 */
export const stripeCurrencies: ReadonlySet<string> = new Set(
  (
    'aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob brl bsd bwp byn bzd ' +
    'cad cdf chf clp cny cop crc cve czk djf dkk dop dzd egp etb eur fjd fkp gbp gel gip gmd gnf gtq gyd ' +
    'hkd hnl htg huf idr ils inr isk jmd jod jpy kes kgs khr kmf krw kwd kyd kzt lak lbp lkr lrd lsl ' +
    'mad mdl mga mkd mmk mnt mop mur mvr mwk mxn myr mzn nad ngn nio nok npr nzd omr pab pen pgk php ' +
    'pkr pln pyg qar ron rsd rub rwf sar sbd scr sek sgd shp sle sos srd std szl thb tjs tnd top try ' +
    'ttd twd tzs uah ugx usd uyu uzs vnd vuv wst xaf xcd xcg xof xpf yer zar zmw'
  ).split(' '),
);

/** Currencies Stripe counts in whole units: ¥500 is `500`. */
export const zeroDecimalCurrencies: ReadonlySet<string> = new Set(
  'bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf'.split(' '),
);

/** Currencies with three decimals (1.000 KWD is `1000`); Stripe takes only amounts ending in 0. */
export const threeDecimalCurrencies: ReadonlySet<string> = new Set('bhd jod kwd omr tnd'.split(' '));

export const isStripeCurrency = (currency: string): boolean => stripeCurrencies.has(currency.toLowerCase());

/** Digits after the decimal point in the currency's minor unit, as Stripe counts them. */
export function decimalsOf(currency: string): 0 | 2 | 3 {
  const c = currency.toLowerCase();
  if (zeroDecimalCurrencies.has(c)) return 0;
  if (threeDecimalCurrencies.has(c)) return 3;
  return 2;
}

/**
 * The step a charged amount must be a multiple of: 10 for three-decimal currencies (Stripe's partners take no
 * last digit), 100 for ISK (whole krónur, still counted with two decimals), else 1.
 */
export function amountStepOf(currency: string): number {
  const c = currency.toLowerCase();
  if (threeDecimalCurrencies.has(c)) return 10;
  if (c === 'isk') return 100;
  return 1;
}

/** Minor units shown in major units with the currency's decimals: 1250 usd → "12.50 USD", 500 jpy → "500 JPY". */
export function formatAmount(amount: number, currency: string): string {
  const d = decimalsOf(currency);
  const sign = amount < 0 ? '-' : '';
  const abs = Math.abs(amount);
  const unit = 10 ** d;
  const major = Math.floor(abs / unit);
  const minor = d ? `.${String(abs % unit).padStart(d, '0')}` : '';
  return `${sign}${major.toLocaleString('en-US')}${minor} ${currency.toUpperCase()}`;
}

/** What amountStepOf asks, in words: "amounts in KWD must be multiples of 0.010 KWD". */
export function stepRule(currency: string): string {
  return `amounts in ${currency.toUpperCase()} must be multiples of ${formatAmount(amountStepOf(currency), currency)}`;
}

/** Minor units as a reader of `locale` writes money: "$40.00", "¥4,000", "KWD 1.500", with Stripe's digits. */
export function formatLocalized(amount: number, currency: string, locale: string): string {
  const digits = decimalsOf(currency);
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: currency.toUpperCase(),
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(amount / 10 ** digits);
}

/** Stripe's largest amount: eight digits of the minor unit ($999,999.99, ¥99,999,999). */
export const MAX_AMOUNT = 99_999_999;

/**
 * Why `amount` (minor units) falls outside `[min, max]`, in the currency's major units as a reader writes them
 * ("at most $999,999.99"); null when it is inside.
 */
export function amountRangeRule(
  amount: number,
  currency: string,
  { min = 0, max = MAX_AMOUNT }: { min?: number; max?: number } = {},
): string | null {
  const money = (n: number) => formatLocalized(n, currency, 'en-US');
  if (amount > max) return `at most ${money(max)}`;
  if (amount < min) return min === 0 ? 'cannot be negative' : `at least ${money(min)}`;
  return null;
}
