/**
 * One Idempotency-Key per user action (docs/api.md#idempotency). An action is a POST to one path with one
 * body: its first try makes the key, and trying the same action again — the user pressing the button once
 * more after an error, a lost answer or a double click — sends the same key, so the server does it at most
 * once. Once an answer settles the action (it succeeded, or was refused and nothing was done) the key is
 * dropped and the next action, even an identical one, gets a new key. Changing the input makes another
 * action with its own key; the first one's key stays in case the user goes back to it, since that one may
 * have been done.
 */
const pending = new Map<string, string>();

/** 32 random hex digits. crypto.randomUUID needs a secure context; a dashboard on plain http has only this. */
function newKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `dash_${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

function actionOf(path: string, body: unknown): string {
  return `${path} ${JSON.stringify(body ?? null)}`;
}

/** The key for this action: the one of its earlier, unsettled tries, else a new one. */
export function actionKey(path: string, body: unknown): string {
  const action = actionOf(path, body);
  let key = pending.get(action);
  if (!key) {
    key = newKey();
    pending.set(action, key);
  }
  return key;
}

/**
 * After an answer: a success, or a 4xx refusal (nothing was done; the server keeps the refusal under the key,
 * so a retry after fixing its cause needs a new key), settles the action. A network failure, a 5xx (it may
 * have been done) or a 409 `idempotency_key_in_use` (the first try still runs) keeps the key for the retry.
 */
export function settleAction(path: string, body: unknown, status: number, code: string | null): void {
  const settled = status < 500 && status !== 0 && code !== 'idempotency_key_in_use';
  if (settled) pending.delete(actionOf(path, body));
}
