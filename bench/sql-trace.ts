/**
 * Preloaded (`node --import`) into both servers when BENCH_TRACE=1: prints every statement the
 * process sends to PostgreSQL on stderr, so one can check that Openline and the bare server make
 * the same round trips for a scenario.
 */
import pg from 'pg'

type Query = (...args: unknown[]) => unknown
const query = pg.Client.prototype.query as unknown as Query
;(pg.Client.prototype as unknown as { query: Query }).query = function (this: pg.Client, ...args: unknown[]) {
  const config = args[0]
  const text = typeof config === 'string' ? config : (config as { text?: string } | undefined)?.text
  if (text) process.stderr.write(`[sql] ${text.replace(/\s+/g, ' ').trim()}\n`)
  return query.apply(this, args)
}
