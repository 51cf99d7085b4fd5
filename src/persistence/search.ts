import { ilike, or } from 'drizzle-orm'
import type { SQL } from 'drizzle-orm'
import type { PgColumn } from 'drizzle-orm/pg-core'

/** `%needle%` for ILIKE, with the needle's own `%`, `_` and `\` taken literally. */
export const containsPattern = (needle: string): string => `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/**
 * Case-insensitive substring match on any of the columns. It cannot use a b-tree index, so it scans
 * the tenant's rows; pair it with a tenant-leading key so it never reads another tenant's.
 */
export const containsAny = (needle: string, ...targets: (PgColumn | SQL)[]): SQL | undefined => {
  const pattern = containsPattern(needle)
  return or(...targets.map((target) => ilike(target, pattern)))
}
