// The recovery page's token (docs/platform-billing.md, "Recovery"). Links carry it in the URL's fragment
// (`/recover#token=rcv_…`), which browsers never send to a server nor in a Referer; links of old in the query
// (`?token=`). The page keeps it in its tab's sessionStorage — it comes back from Stripe's page adding a card
// without it — and takes it off the address bar at once.

const KEY = 'tributary:recovery-token';

export const inFragment = () => new URLSearchParams(window.location.hash.replace(/^#/, '')).get('token');

/** The token the address carries (its fragment, else its query), kept for this tab; else the one kept before. */
export function takeRecoveryToken(fromQuery: string | undefined): string | null {
  const given = inFragment() || fromQuery || null;
  try {
    if (given) window.sessionStorage.setItem(KEY, given);
    return given ?? window.sessionStorage.getItem(KEY);
  } catch {
    // storage turned off: the link still works until the page is left
    return given;
  }
}
