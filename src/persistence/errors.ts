/**
 * Driver errors → what callers need to know. Drizzle wraps the driver's error (`cause`), and the
 * two drivers name fields alike (`code`, `constraint`), so one function reads both.
 */
interface PgError {
  code?: string
  constraint?: string
}

function pgError(error: unknown): PgError | undefined {
  let current: unknown = error
  for (let depth = 0; depth < 4 && current; depth++) {
    const candidate = current as PgError & { cause?: unknown }
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) return candidate
    current = candidate.cause
  }
  return undefined
}

export const sqlState = (error: unknown): string | undefined => pgError(error)?.code

/** A unique violation, optionally of one named constraint. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const pg = pgError(error)
  return pg?.code === '23505' && (constraint === undefined || isConstraint(pg.constraint, constraint))
}

/**
 * The reported name is the constraint's, or that of its copy on one shard or partition: Citus names
 * a shard's `<name>_<shard id>`, the partitioned twin a partition's `<name>_p<n>` (docs/scaling.md).
 */
function isConstraint(reported: string | undefined, constraint: string): boolean {
  if (reported === undefined || !reported.startsWith(constraint)) return false
  return reported.length === constraint.length || /^_p?\d+$/.test(reported.slice(constraint.length))
}

export const isForeignKeyViolation = (error: unknown): boolean => sqlState(error) === '23503'

/** Serialization failure or deadlock: the transaction may simply be retried. */
export const isRetryableTransactionError = (error: unknown): boolean =>
  ['40001', '40P01'].includes(sqlState(error) ?? '')
