import { AsyncLocalStorage } from 'node:async_hooks'
import type { Executor } from './database.js'

interface Scope {
  tx: Executor
  /** False once the transaction is rolled back: work that outlives the request falls back to the database. */
  open: boolean
}

const scopes = new AsyncLocalStorage<Scope>()

/** Thrown inside the dry-run transaction to roll it back; never leaves `inRolledBackTransaction`. */
class DryRunRollback extends Error {
  constructor() {
    super('dry-run: rolled back')
  }
}

/**
 * The database handle the services are built on: the database itself, except while a dry-run runs
 * in the current async context, where every statement goes to that run's open transaction. A
 * service's own `transaction()` then becomes a savepoint inside it, so a use case that spans several
 * transactions (an idempotency record, an event fan-out, a job) is still one unit that is rolled back.
 * On PGlite this is also what keeps a dry-run from deadlocking: its single connection is held by
 * the open transaction, and a statement sent to the database beside it would wait for ever.
 */
export function scopedExecutor(db: Executor): Executor {
  return new Proxy(db, {
    get(target, property) {
      const scope = scopes.getStore()
      const current = scope?.open ? scope.tx : target
      const value: unknown = Reflect.get(current, property, current)
      return typeof value === 'function' ? boundTo(current, property, value as Method) : value
    },
  })
}

type Method = (...args: unknown[]) => unknown

/** Methods bound to their executor, made once per executor and name (every query goes through here). */
const bound = new WeakMap<object, Map<PropertyKey, { method: Method; bound: Method }>>()

function boundTo(executor: object, property: PropertyKey, method: Method): Method {
  let methods = bound.get(executor)
  if (!methods) bound.set(executor, (methods = new Map()))
  const known = methods.get(property)
  if (known?.method === method) return known.bound
  const made = method.bind(executor)
  methods.set(property, { method, bound: made })
  return made
}

/** True inside `inRolledBackTransaction`'s work. */
export function inDryRun(): boolean {
  return scopes.getStore()?.open === true
}

/**
 * Runs `work` in one transaction on `db` (the unscoped database) that is always rolled back, and
 * answers what `work` answered or throws what it threw. Everything `work` sends through a
 * `scopedExecutor` joins that transaction.
 */
export async function inRolledBackTransaction<T>(db: Executor, work: () => Promise<T>): Promise<T> {
  let result: { value: T } | undefined
  try {
    await db.transaction(async (tx) => {
      const scope: Scope = { tx, open: true }
      try {
        result = { value: await scopes.run(scope, work) }
      } finally {
        scope.open = false
      }
      throw new DryRunRollback()
    })
  } catch (error) {
    if (!(error instanceof DryRunRollback)) throw error
  }
  if (!result) throw new Error('dry-run: the transaction ended without an answer')
  return result.value
}
