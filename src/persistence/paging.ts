import { count, gt } from 'drizzle-orm'
import type { SQL } from 'drizzle-orm'
import type { PgColumn } from 'drizzle-orm/pg-core'

/** One page's window as the repositories receive it (see domain/shared/paging.ts). */
export interface Window {
  limit: number
  after?: string
  offset?: number
}

/** Keyset condition: rows after the cursor's key. Pair with `orderBy(asc(column))` and an index on it. */
export const afterKey = (column: PgColumn, window: Window): SQL | undefined =>
  window.after !== undefined ? gt(column, window.after) : undefined

export const countAll = () => ({ n: count() })
