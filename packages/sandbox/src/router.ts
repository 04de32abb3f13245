// A small route table: `/v1/customers/:id` patterns, positional params, one handler per route.
import type { Ctx } from './app.ts';

export type Handler = (ctx: Ctx) => unknown;

interface Route {
  method: string;
  parts: string[];
  handler: Handler;
}

export class Router {
  private byKey = new Map<string, Route[]>();

  add(method: string, pattern: string, handler: Handler): void {
    const parts = pattern.split('/').filter(Boolean);
    const key = `${method} ${parts.length} ${parts[1] ?? ''}`;
    let list = this.byKey.get(key);
    if (!list) {
      list = [];
      this.byKey.set(key, list);
    }
    list.push({ method, parts, handler });
  }

  get(p: string, h: Handler): void {
    this.add('GET', p, h);
  }
  post(p: string, h: Handler): void {
    this.add('POST', p, h);
  }
  delete(p: string, h: Handler): void {
    this.add('DELETE', p, h);
  }

  match(method: string, path: string): { handler: Handler; params: string[] } | null {
    const segs = path.split('/').filter(Boolean);
    const list = this.byKey.get(`${method} ${segs.length} ${segs[1] ?? ''}`);
    if (!list) return null;
    outer: for (const r of list) {
      const params: string[] = [];
      for (let i = 0; i < segs.length; i++) {
        const p = r.parts[i]!;
        const s = segs[i]!;
        if (p.startsWith(':')) params.push(decodeURIComponent(s));
        else if (p !== s) continue outer;
      }
      return { handler: r.handler, params };
    }
    return null;
  }
}
