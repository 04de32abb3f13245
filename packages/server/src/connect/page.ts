// The one server-rendered page of Connect: the OAuth callback's error when no tenant is known (a tampered or
// missing state), so the person in the browser reads what happened instead of a JSON error.

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function resultPage(title: string, body: string, home: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#111}
a{color:#4f46e5}</style></head><body><h1>${esc(title)}</h1>${body}
<p><a href="${esc(home)}/">Back to the dashboard</a></p></body></html>`;
}
