import { appendFileSync, mkdirSync } from 'node:fs'
import { join, sep } from 'node:path'
import { AsyncLocalStorage } from 'node:async_hooks'
import { QueryPromise } from 'drizzle-orm'
import { PgDatabase, PgInsertBuilder, PgSelectBase, PgSelectBuilder, PgUpdateBuilder } from 'drizzle-orm/pg-core'
import { RelationalQueryBuilder } from 'drizzle-orm/pg-core/query-builders/query'
import pg from 'pg'

/**
 * The statement capture for the audit (TEST_SQL_CAPTURE=<dir>, on PostgreSQL): every statement a
 * test process sends through node-postgres is written once per distinct text (with up to two sets of
 * parameter values and the places in the code that sent it) to `<dir>/<pid>.jsonl`. `origin` is the
 * first frame of the project's own code where the statement was built: `src/…` for Openline's
 * statements, `test/…` for what a test sends itself (its checks, its setup), which the audit leaves
 * out. Drizzle sends a statement when it is awaited, in a later tick, so the place is taken when the
 * builder is made (`db.select()`, `tx.update()`, …), carried along the builder chain and handed to
 * the send through an AsyncLocalStorage.
 */
export interface Captured {
  text: string
  samples: unknown[][]
  origins: string[]
}

const root = `${process.cwd()}${sep}`
const seen = new Map<string, { samples: number; origins: Set<string> }>()

export function installCapture(dir: string): void {
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${process.pid}.jsonl`)
  Error.stackTraceLimit = Math.max(Error.stackTraceLimit, 60)
  traceBuilders()
  const original = pg.Client.prototype.query as (...args: unknown[]) => unknown
  pg.Client.prototype.query = function capture(this: pg.Client, ...args: unknown[]) {
    const [first, second] = args
    const text = typeof first === 'string' ? first : (first as { text?: string } | undefined)?.text
    if (text) {
      const values = Array.isArray(second) ? second : ((first as { values?: unknown[] }).values ?? [])
      const stack = new Error().stack ?? ''
      // A pool's query reaches the client from the pool's queue, out of context: the pool's own hook records it.
      if (!stack.includes(`pg-pool${sep}index.js`)) record(file, text, values, built.getStore() ?? origin(stack))
    }
    return original.apply(this, args)
  } as typeof pg.Client.prototype.query
  const poolQuery = pg.Pool.prototype.query as (...args: unknown[]) => unknown
  pg.Pool.prototype.query = function capturePool(this: pg.Pool, ...args: unknown[]) {
    const [first, second] = args
    const text = typeof first === 'string' ? first : (first as { text?: string } | undefined)?.text
    if (text) {
      const values = Array.isArray(second) ? second : ((first as { values?: unknown[] }).values ?? [])
      record(file, text, values, built.getStore() ?? origin(new Error().stack ?? ''))
    }
    return poolQuery.apply(this, args)
  } as typeof pg.Pool.prototype.query
}

const ORIGIN = Symbol('origin')
const built = new AsyncLocalStorage<string>()
type Traced = { [ORIGIN]?: string }
type Method = (this: Traced, ...args: unknown[]) => Traced

/** Where each Drizzle statement was built, and that place in force while it is sent. */
function traceBuilders(): void {
  const wrap = (proto: object, names: string[], from: (self: Traced) => string | undefined) => {
    for (const name of names) {
      const target = proto as Record<string, Method>
      const method = target[name]
      if (!method) continue
      target[name] = function traced(this: Traced, ...args: unknown[]) {
        const result = method.apply(this, args)
        if (result && typeof result === 'object') result[ORIGIN] ??= from(this)
        return result
      }
    }
  }
  const here = () => origin(new Error().stack ?? '')
  wrap(
    PgDatabase.prototype,
    ['select', 'selectDistinct', 'selectDistinctOn', 'update', 'insert', 'delete', 'execute'],
    here,
  )
  wrap(RelationalQueryBuilder.prototype, ['findMany', 'findFirst'], here)
  const carry = (self: Traced) => self[ORIGIN]
  wrap(PgSelectBuilder.prototype, ['from'], carry)
  wrap(PgUpdateBuilder.prototype, ['set'], carry)
  wrap(PgInsertBuilder.prototype, ['values', 'select'], carry)
  // PgSelectBase copies QueryPromise's methods at load (a mixin): wrap both.
  for (const proto of [QueryPromise.prototype, PgSelectBase.prototype] as unknown as Record<string, Method>[]) {
    const then = proto.then as Method
    proto.then = function tracedThen(this: Traced, ...args: unknown[]) {
      const from = this[ORIGIN]
      return from ? built.run(from, () => then.apply(this, args)) : then.apply(this, args)
    }
  }
}

function record(file: string, text: string, values: unknown[], from: string): void {
  let entry = seen.get(text)
  const fresh = !entry
  if (!entry) seen.set(text, (entry = { samples: 0, origins: new Set() }))
  const newOrigin = !entry.origins.has(from) && entry.origins.size < 5
  if (!fresh && !newOrigin && entry.samples >= 2) return
  entry.origins.add(from)
  entry.samples++
  const line: Captured = { text, samples: entry.samples <= 2 ? [values.map(plain)] : [], origins: [from] }
  appendFileSync(file, `${JSON.stringify(line)}\n`)
}

const plain = (value: unknown): unknown =>
  value instanceof Date ? value.toISOString() : Buffer.isBuffer(value) ? `\\x${value.toString('hex')}` : value

/** `src/services/x.ts:12` or `test/…`: the first frame in the project outside node_modules and this file. */
function origin(stack: string): string {
  for (const line of stack.split('\n').slice(1)) {
    const match = /\(?(?:file:\/\/)?(\/[^():]+):(\d+):\d+\)?$/.exec(line.trim())
    if (!match) continue
    const path = match[1] as string
    if (
      !path.startsWith(root) ||
      path.includes(`${sep}node_modules${sep}`) ||
      path.endsWith('capture.ts') ||
      path.endsWith('compiled.ts') ||
      path.endsWith(`persistence${sep}database.ts`)
    )
      continue
    return `${path.slice(root.length)}:${match[2]}`
  }
  return 'unknown'
}
