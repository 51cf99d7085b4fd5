import { Param, Placeholder, is } from 'drizzle-orm'
import type { Executor } from './database.js'

/**
 * A statement built once with Drizzle's query builder and run many times on whichever executor is
 * current: the pool or an open transaction (Drizzle's own `.prepare()` binds to the executor it was
 * built on, so it cannot run inside a transaction: drizzle-orm#613, #2826).
 *
 * The builder runs once per driver, with `sql.placeholder(…)` for every value that changes; its SQL
 * text, parameter order and result mapping are kept, and each run only fills the placeholders. On
 * PostgreSQL the statement is a named prepared statement (`{ name, text, values }`: parsed and
 * planned once per connection); with named statements off (`OPENLINE_PREPARED_STATEMENTS=false`,
 * for a transaction-mode pooler that does not keep them) it is a plain parameterised query, as it
 * always is on PGlite.
 *
 * It relies on one detail of Drizzle 0.45: a prepared query sends through its `client` field, which
 * each run sets to the current executor's connection.
 */
export interface Compiled<Values extends Record<string, unknown>, Result> {
  readonly name: string
  run(ex: Executor, values: Values): Promise<Result>
}

/** What Drizzle's select, insert, update and delete builders offer. */
interface Preparable<Result> {
  prepare(name: string): Prepared<Result>
}

interface Prepared<Result> {
  execute(values?: Record<string, unknown>): Promise<Result>
}

interface Session {
  client: unknown
}

let named = true

/** Named prepared statements on PostgreSQL (the default), or plain parameterised queries. */
export function useNamedStatements(on: boolean): void {
  named = on
}

export function namedStatements(): boolean {
  return named
}

const names = new Set<string>()

/** `name` is the statement's name on PostgreSQL (prefixed `ol_`): one per statement text, in the whole process. */
export function compiled<Values extends Record<string, unknown>, Result>(
  name: string,
  build: (ex: Executor) => Preparable<Result>,
): Compiled<Values, Result> {
  if (names.has(name)) throw new Error(`Two compiled statements are named '${name}'.`)
  names.add(name)
  // One per driver (a process may hold PGlite and PostgreSQL at once) and per naming mode.
  const built = new Map<unknown, Prepared<Result>>()
  return {
    name,
    run(ex, values) {
      const session = sessionOf(ex)
      const key = `${named ? 'named' : 'plain'}:${session.constructor.name}`
      let prepared = built.get(key)
      if (!prepared) {
        // Unnamed: node-postgres sends a plain parameterised query; PGlite ignores the name anyway.
        prepared = build(ex).prepare((named ? `ol_${name}` : undefined) as string)
        nullSafe(prepared as unknown as { params: unknown[] })
        built.set(key, prepared)
      }
      const bound = Object.create(prepared) as Prepared<Result> & Session
      bound.client = session.client
      return bound.execute(values)
    },
  }
}

/**
 * A column's encoder never sees null when Drizzle builds a statement with the value in it, but it
 * does when the value fills a placeholder (a timestamp's `toISOString` then throws): null passes
 * through as SQL NULL here too.
 */
function nullSafe(prepared: { params: unknown[] }): void {
  prepared.params = prepared.params.map((p) => {
    if (!is(p, Param) || !is(p.value, Placeholder)) return p
    const encoder = p.encoder
    return new Param(p.value, {
      mapToDriverValue: (value: unknown) => (value === null ? null : encoder.mapToDriverValue(value)),
    })
  })
}

function sessionOf(ex: Executor): Session {
  return (ex as unknown as { _: { session: Session } })._.session
}
