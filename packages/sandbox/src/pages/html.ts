// Minimal HTML helpers for the hosted pages.
import type { ServerResponse } from 'node:http';

export function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;max-width:560px;margin:40px auto;padding:0 16px;color:#1a1f36}
h1{font-size:22px} .banner{background:#fff8e1;border:1px solid #f5c542;padding:8px;font-size:13px}
label{display:block;margin:10px 0 2px;font-size:14px} input,select{width:100%;padding:6px;box-sizing:border-box}
button{margin:14px 8px 0 0;padding:8px 14px;font-size:15px} .error{color:#b00020}
table{width:100%;border-collapse:collapse} td,th{border-bottom:1px solid #ddd;padding:4px;text-align:left}
</style></head><body><p class="banner">Tributary Stripe sandbox — test data only</p>${body}</body></html>`;
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
  });
  res.end(html);
}

export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { Location: location, 'Content-Length': '0' });
  res.end();
}

export function withQuery(url: string, params: Record<string, string | null | undefined>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined) u.searchParams.set(k, v);
  return u.toString();
}
