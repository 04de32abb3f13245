// Per-account state. Every object belongs to one account (the platform or a connected account) and is
// listed per (account, kind) in creation order; lookups by id are global so expansion can follow links
// across accounts (a destination charge's transfer points at the connected account's payment).
// Each kind's stored type is in objects/ (`Kinds`): get/list/all return objects of that type. A new resource
// only needs its type and a new `kind` there; nothing here changes.
import type { StripeObject } from './objects/common.ts';
import type { Kind, Kinds } from './objects/kinds.ts';

export type { Kind, Kinds, StripeObject };

interface Entry {
  owner: string;
  kind: string;
  obj: StripeObject;
}

export interface EventRec {
  id: string;
  owner: string;
  type: string;
  created: number;
  json: string;
  objectId: string;
  objectType: string;
  requestId: string | null;
  idempotencyKey: string | null;
}

export interface Snapshot {
  version: 1;
  entries: [string, string, StripeObject][];
  tables: Record<string, [string, unknown][]>;
  events: EventRec[];
}

/** Stripe keeps events for 30 days; a sandbox under benchmark load keeps the latest N per account. */
const MAX_EVENTS_PER_ACCOUNT = 10_000;

export class Store {
  private entries = new Map<string, Entry>();
  private lists = new Map<string, StripeObject[]>();
  private tablesMap = new Map<string, Map<string, unknown>>();
  private eventLists = new Map<string, EventRec[]>();
  private eventsById = new Map<string, EventRec>();
  onChange: () => void = () => {};

  insert<T extends StripeObject>(owner: string, obj: T, kind: string = obj.object): T {
    this.entries.set(obj.id, { owner, kind, obj });
    const key = `${owner} ${kind}`;
    let list = this.lists.get(key);
    if (!list) {
      list = [];
      this.lists.set(key, list);
    }
    list.push(obj);
    this.onChange();
    return obj;
  }

  /** The object if it belongs to `owner` (and is of `kind`). */
  get<K extends Kind>(owner: string, id: string, kind: K): Kinds[K] | undefined;
  get(owner: string, id: string): StripeObject | undefined;
  get(owner: string, id: string, kind?: Kind): StripeObject | undefined {
    const e = this.entries.get(id);
    if (!e || e.owner !== owner || (kind && e.kind !== kind)) return undefined;
    return e.obj;
  }

  /** Any object by id, whoever owns it (expansion follows links across accounts). */
  find(id: string): { owner: string; kind: string; obj: StripeObject } | undefined {
    return this.entries.get(id);
  }

  /** An object by id if it is of one of `kinds`, whoever owns it. */
  findOf<K extends Kind>(id: string, ...kinds: K[]): { owner: string; obj: Kinds[K] } | undefined {
    const e = this.entries.get(id);
    return e && (kinds as string[]).includes(e.kind) ? { owner: e.owner, obj: e.obj as Kinds[K] } : undefined;
  }

  /** Every object of a kind, across accounts. */
  *all<K extends Kind>(kind: K): Generator<{ owner: string; obj: Kinds[K] }> {
    for (const e of this.entries.values())
      if (e.kind === kind) yield { owner: e.owner, obj: e.obj as Kinds[K] };
  }

  ownerOf(id: string): string | undefined {
    return this.entries.get(id)?.owner;
  }

  /** Oldest first. */
  list<K extends Kind>(owner: string, kind: K): Kinds[K][] {
    return (this.lists.get(`${owner} ${kind}`) ?? []) as Kinds[K][];
  }

  remove(id: string): void {
    const e = this.entries.get(id);
    if (!e) return;
    this.entries.delete(id);
    const list = this.lists.get(`${e.owner} ${e.kind}`);
    if (list) {
      const i = list.indexOf(e.obj);
      if (i >= 0) list.splice(i, 1);
    }
    this.onChange();
  }

  changed(): void {
    this.onChange();
  }

  /** Internal records that are not Stripe objects (tokens, test-card behaviour, links…). */
  table<T>(name: string): Map<string, T> {
    let t = this.tablesMap.get(name);
    if (!t) {
      t = new Map();
      this.tablesMap.set(name, t);
    }
    return t as Map<string, T>;
  }

  addEvent(rec: EventRec): void {
    let list = this.eventLists.get(rec.owner);
    if (!list) {
      list = [];
      this.eventLists.set(rec.owner, list);
    }
    list.push(rec);
    this.eventsById.set(rec.id, rec);
    if (list.length > MAX_EVENTS_PER_ACCOUNT + 1000) {
      for (const old of list.splice(0, 1000)) this.eventsById.delete(old.id);
    }
    this.onChange();
  }

  events(owner: string): EventRec[] {
    return this.eventLists.get(owner) ?? [];
  }

  event(id: string): EventRec | undefined {
    return this.eventsById.get(id);
  }

  counts(): Record<string, number> {
    const out: Record<string, number> = { events: this.eventsById.size };
    for (const e of this.entries.values()) out[e.kind] = (out[e.kind] ?? 0) + 1;
    return out;
  }

  snapshot(): Snapshot {
    const tables: Record<string, [string, unknown][]> = {};
    for (const [name, t] of this.tablesMap) tables[name] = [...t.entries()];
    return {
      version: 1,
      entries: [...this.entries.values()].map((e) => [e.owner, e.kind, e.obj]),
      tables,
      events: [...this.eventLists.values()].flat().sort((a, b) => a.created - b.created),
    };
  }

  load(s: Snapshot): void {
    this.clear();
    const notify = this.onChange;
    this.onChange = () => {};
    for (const [owner, kind, obj] of s.entries) this.insert(owner, obj, kind);
    for (const [name, rows] of Object.entries(s.tables)) {
      const t = this.table<unknown>(name);
      for (const [k, v] of rows) t.set(k, v);
    }
    for (const ev of s.events) this.addEvent(ev);
    this.onChange = notify;
  }

  clear(): void {
    this.entries.clear();
    this.lists.clear();
    this.tablesMap.clear();
    this.eventLists.clear();
    this.eventsById.clear();
  }
}
