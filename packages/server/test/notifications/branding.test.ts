import { describe, expect, it } from 'vitest';
import type { ApiError } from '../../src/http/errors.ts';
import {
  checkAccentColor,
  checkBrandName,
  checkLogoUrl,
  DATA_LOGO_MAX,
  fromHeaderFor,
} from '../../src/notifications/branding.ts';
import { testConfig } from '../helpers/app.ts';

const code = (fn: () => unknown) => {
  try {
    fn();
    return 'accepted';
  } catch (err) {
    return (err as ApiError).code;
  }
};

describe('e-mail branding rules', () => {
  it('a display name is words only', () => {
    expect(checkBrandName('  Acme   Bikes ')).toBe('Acme Bikes');
    expect(checkBrandName('Café Zürich & Co.')).toBe('Café Zürich & Co.');
    for (const bad of [
      'billing@acme.test',
      'Acme <x>',
      'Acme\r\nBcc: a@b.c',
      'Acme\nX',
      'Acme\u0000',
      'Acme\u2028X',
      'Acme "quoted"',
      "Acme's",
      'Acme, Inc',
      'Acme: alerts',
      'Acme\\',
      // invisible or reordering characters that can hide " via Platform" in an inbox
      'Acme\u202eevil',
      'Acme\u2066X\u2069',
      'Ac\u200bme',
      'Acme\u3000\u3000\u3000Platform',
      'Acme\u2800',
      '   ',
      'x'.repeat(65),
    ])
      expect(
        code(() => checkBrandName(bad)),
        JSON.stringify(bad),
      ).toBe('brand_name_invalid');
  });

  it('a logo is an https URL or a small raster data: image', () => {
    expect(checkLogoUrl('https://cdn.acme.test/logo.png')).toBe('https://cdn.acme.test/logo.png');
    expect(checkLogoUrl('data:image/png;base64,iVBORw0KGgo=')).toBe('data:image/png;base64,iVBORw0KGgo=');
    for (const bad of [
      'http://cdn.acme.test/logo.png',
      'javascript:alert(1)',
      'data:image/svg+xml;base64,PHN2Zz4=',
      'data:text/html;base64,PGgxPg==',
      `data:image/png;base64,${'A'.repeat(DATA_LOGO_MAX)}`,
      'https://cdn.acme.test/logo.png"onerror="x',
      'not a url',
    ])
      expect(
        code(() => checkLogoUrl(bad)),
        bad.slice(0, 40),
      ).toBe('logo_url_invalid');
  });

  it('an accent colour is #rrggbb', () => {
    expect(checkAccentColor('#FF5500')).toBe('#ff5500');
    for (const bad of ['red', '#f50', '#ff5500;x', 'ff5500'])
      expect(code(() => checkAccentColor(bad))).toBe('accent_color_invalid');
  });

  it("From keeps EMAIL_FROM's address and puts the tenant's name in the display part", () => {
    const config = testConfig({ EMAIL_FROM: 'Platform Alerts <alerts@platform.test>' });
    expect(fromHeaderFor(config, 'Acme')).toBe('"Acme via Platform Alerts" <alerts@platform.test>');
    expect(fromHeaderFor(config, null)).toBeNull();
    const bare = testConfig({ EMAIL_FROM: 'alerts@platform.test' });
    expect(fromHeaderFor(bare, 'Acme')).toBe('"Acme via platform.test" <alerts@platform.test>');
  });
});
