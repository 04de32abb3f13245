import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, scrub } from '../src/logger.ts';

function capture() {
  const lines: string[] = [];
  const out = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { log: createLogger('info', false, out), lines };
}

describe('log redaction', () => {
  it('redacts credentials in headers and secret-looking fields', () => {
    const { log, lines } = capture();
    log.info(
      {
        req: {
          headers: {
            authorization: 'Bearer trb_sk_abc',
            cookie: 'trb_session=xyz',
            'stripe-signature': 't=1,v1=abc',
          },
        },
        body: { password: 'hunter2hunter2' },
      },
      'request',
    );
    const line = lines.join('');
    expect(line).not.toContain('trb_sk_abc');
    expect(line).not.toContain('xyz');
    expect(line).not.toContain('v1=abc');
    expect(line).not.toContain('hunter2');
  });

  it('masks card numbers and secret keys wherever they appear, but not timestamps', () => {
    const { log, lines } = capture();
    log.info(
      { note: 'card 4242 4242 4242 4242 and 4000000000000002', key: 'sk_test_51Habcdef', at: 1795438399708 },
      'charged 4000-0025-0000-3155 with whsec_abcdef',
    );
    const line = lines.join('');
    expect(line).not.toMatch(/4242 4242 4242 4242|4000000000000002|4000-0025-0000-3155/);
    expect(line).not.toContain('sk_test_51Habcdef');
    expect(line).not.toContain('whsec_abcdef');
    expect(line).toContain('1795438399708');
  });

  it('leaves ordinary numbers alone', () => {
    expect(scrub('order 1234567890123 total 100')).toBe('order 1234567890123 total 100');
  });
});
