import type { ChatBindingDoc } from './models/chat-binding.js';
import type { DepartmentDoc } from './models/department.js';
import type { Models } from './models/index.js';

/** How long another instance's change to departments or bindings may take to be seen here. */
const TTL_MS = 5000;

interface Snapshot {
  departments: DepartmentDoc[];
  byKey: Map<string, DepartmentDoc>;
  bindings: ChatBindingDoc[];
  at: number;
}

/**
 * Departments and chat bindings change only when the org config is applied or an admin binds a
 * chat, yet nearly every change and delivery reads them (SLA settings, names, bound chats). So
 * they are read once and kept for a few seconds, per database: a change made in this process is
 * seen at once (the writers call `invalidateDepartments`), one made by another instance within
 * five seconds.
 */
class DepartmentCache {
  private snapshot: Snapshot | null = null;
  private loading: Promise<Snapshot> | null = null;
  private generation = 0;

  constructor(private readonly models: Models) {}

  private async load(): Promise<Snapshot> {
    const generation = this.generation;
    const [departments, bindings] = await Promise.all([
      this.models.Department.find({}).lean<DepartmentDoc[]>(),
      this.models.ChatBinding.find({ active: true }).lean<ChatBindingDoc[]>(),
    ]);
    const snapshot = { departments, byKey: new Map(departments.map((department) => [department.key, department])), bindings, at: Date.now() };
    // A write while this read ran may not be in it: keep it for this caller only.
    if (generation === this.generation) this.snapshot = snapshot;
    return snapshot;
  }

  async current(): Promise<Snapshot> {
    if (this.snapshot && Date.now() - this.snapshot.at < TTL_MS) return this.snapshot;
    this.loading ??= this.load().finally(() => (this.loading = null));
    return this.loading;
  }

  invalidate(): void {
    this.generation += 1;
    this.snapshot = null;
    this.loading = null;
  }
}

const caches = new WeakMap<Models, DepartmentCache>();

function cacheOf(models: Models): DepartmentCache {
  let cache = caches.get(models);
  if (!cache) caches.set(models, (cache = new DepartmentCache(models)));
  return cache;
}

/** Every department, active or not. */
export async function allDepartments(models: Models): Promise<DepartmentDoc[]> {
  return (await cacheOf(models).current()).departments;
}

/** One department by key (active or not), or null. */
export async function departmentByKey(models: Models, key: string): Promise<DepartmentDoc | null> {
  return (await cacheOf(models).current()).byKey.get(key) ?? null;
}

/** The active chat bindings made with `/bind`. */
export async function activeBindings(models: Models): Promise<ChatBindingDoc[]> {
  return (await cacheOf(models).current()).bindings;
}

/** To be called after writing departments or bindings, so this process reads them anew. */
export function invalidateDepartments(models: Models): void {
  cacheOf(models).invalidate();
}
