import { describe, expect, it } from 'vitest';
import {
  checkRecoveryToken,
  RECOVERY_TOKEN_DAYS,
  recoveryLink,
  recoveryToken,
  recoveryUrl,
} from '../../src/billing/recovery/token.ts';
import { maskSecrets } from '../../src/secrets.ts';

const tenantId = '0b7c1f2e-4d5a-4c3b-9a8f-1e2d3c4b5a69';
const keyA = 'a'.repeat(32);
const keyB = 'b'.repeat(40);

describe('recovery tokens', () => {
  it('name one tenant for 30 days, under the first key, verified by any configured key', () => {
    const now = new Date('2027-05-01T00:00:00Z');
    const token = recoveryToken({ signingSecrets: [keyA] }, tenantId, { now });
    expect(token).toMatch(/^rcv_[0-9a-f]{32}\.[0-9a-z]+\.[A-Za-z0-9_-]{43}$/);
    expect(checkRecoveryToken({ signingSecrets: [keyA] }, token, now)).toEqual({
      kind: 'valid',
      tenantId,
      expiresAt: now.getTime() / 1000 + RECOVERY_TOKEN_DAYS * 86_400,
    });
    // rotation: the new key first, the old one still verifies its links
    expect(checkRecoveryToken({ signingSecrets: [keyB, keyA] }, token, now).kind).toBe('valid');
    expect(checkRecoveryToken({ signingSecrets: [keyB] }, token, now).kind).toBe('invalid');
    const late = new Date(now.getTime() + RECOVERY_TOKEN_DAYS * 86_400_000);
    expect(checkRecoveryToken({ signingSecrets: [keyA] }, token, late).kind).toBe('expired');
  });

  it('refuses a changed tenant, expiry or signature, and any other shape', () => {
    const cfg = { signingSecrets: [keyA] };
    const token = recoveryToken(cfg, tenantId);
    const [head, exp, sig] = token.split('.') as [string, string, string];
    const otherTenant = `rcv_${'f'.repeat(32)}.${exp}.${sig}`;
    const later = `${head}.${(Number.parseInt(exp, 36) + 86_400).toString(36)}.${sig}`;
    const flipped = `${head}.${exp}.${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`;
    for (const t of [otherTenant, later, flipped, '', 'rcv_', `${token}x`, token.toUpperCase(), 'trb_sk_x'])
      expect(checkRecoveryToken(cfg, t).kind, t).toBe('invalid');
  });

  it('make the recovery page link, its token in the fragment (never sent to a server), masked in logs', () => {
    const now = new Date('2027-05-01T00:00:00Z');
    const cfg = { signingSecrets: [keyA], publicUrl: 'https://pay.example.com' };
    const link = recoveryLink(cfg, tenantId, now);
    expect(link.url).toMatch(/^https:\/\/pay\.example\.com\/recover#token=rcv_/);
    expect(link.expiresAt).toBe(now.getTime() / 1000 + RECOVERY_TOKEN_DAYS * 86_400);
    const url = new URL(recoveryUrl(cfg, tenantId));
    expect(url.search).toBe('');
    expect(checkRecoveryToken(cfg, url.hash.slice('#token='.length)).kind).toBe('valid');
    expect(maskSecrets(`GET /recover?token=${url.hash.slice(7)} 200`)).toBe(
      'GET /recover?token=rcv_[redacted] 200',
    );
  });
});
