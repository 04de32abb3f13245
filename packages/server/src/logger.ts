import pino from 'pino';
import pinoPretty from 'pino-pretty';

export type Logger = pino.Logger;

// Anything that could carry a secret or card data: headers, credentials, raw card fields.
const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["stripe-signature"]',
  'req.headers["x-csrf-token"]',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.token',
  '*.api_key',
  '*.card_number',
  '*.number',
  '*.cvc',
  'err.config.headers.Authorization',
];

// Digit runs of card length inside text (not JSON numbers such as timestamps) that pass the Luhn check.
const cardLike = /(?<![:\d.])\b\d(?:[ -]?\d){12,18}\b/g;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}
const secretLike =
  /\b(?:sk|rk)_(?:test|live)_[A-Za-z0-9]+|\btrb_(?:sk|rk)_[A-Za-z0-9_]+|\bwhsec_[A-Za-z0-9+/=]+/g;

/** Masks card-like digit runs and known secret formats anywhere in a logged string. */
export function scrub(text: string): string {
  return text
    .replace(secretLike, (m) => `${m.slice(0, 8)}…[redacted]`)
    .replace(cardLike, (m) => (luhn(m.replace(/\D/g, '')) ? '[card redacted]' : m));
}

/** Every log line passes through `scrub` on its way out, whatever field or message it came from. */
export function createLogger(
  level: string,
  pretty = false,
  out: NodeJS.WritableStream = process.stdout,
): Logger {
  const sink = pretty ? pinoPretty({ colorize: true, destination: out as never }) : out;
  const stream = { write: (line: string) => sink.write(scrub(line)) };
  return pino({ level, redact: { paths: redactPaths, censor: '[redacted]' } }, stream);
}
