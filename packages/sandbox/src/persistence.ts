// Optional JSON snapshot: loaded at start, written (debounced, atomically) after changes and on close.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Snapshot, Store } from './store.ts';

export interface Persisted {
  platformAccountId: string;
  connectClientId: string;
  store: Snapshot;
}

export function load(file: string): Persisted | null {
  if (!existsSync(file)) return null;
  const persisted: Persisted = JSON.parse(readFileSync(file, 'utf8'));
  return persisted;
}

export class Saver {
  private timer: NodeJS.Timeout | null = null;
  private file: string;
  private build: () => Persisted;

  constructor(file: string, build: () => Persisted) {
    this.file = file;
    this.build = build;
  }

  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.save();
    }, 200);
    this.timer.unref();
  }

  save(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.build()));
    renameSync(tmp, this.file);
  }
}

export function attachSaver(store: Store, saver: Saver): void {
  store.onChange = () => saver.schedule();
}
