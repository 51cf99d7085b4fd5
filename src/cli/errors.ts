import { ConfigError } from '../config.js'
import { DomainError } from '../domain/shared/errors.js'
import type { FieldError } from '../domain/shared/errors.js'
import { DataDirInUseError } from '../persistence/data-dir-lock.js'
import { MigrationError } from '../persistence/migrator.js'

/** How many bad fields a failed command lists before it only counts the rest. */
export const SHOWN_FIELD_ERRORS = 20

type SystemError = Error & { code: string; syscall?: string; path?: string; address?: string; port?: number }
type DatabaseError = Error & { code: string; severity: string }

const isSystemError = (e: unknown): e is SystemError =>
  e instanceof Error && typeof (e as SystemError).code === 'string' && typeof (e as SystemError).syscall === 'string'
const isDatabaseError = (e: unknown): e is DatabaseError =>
  e instanceof Error &&
  typeof (e as DatabaseError).code === 'string' &&
  typeof (e as DatabaseError).severity === 'string'

/**
 * The error a message is made from: a connection attempt to several addresses (`localhost` is ::1
 * and 127.0.0.1) fails as an AggregateError of each, and a query error may wrap the driver's.
 */
function rootOf(error: unknown): unknown {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; depth++) {
    if (isSystemError(e) || isDatabaseError(e)) return e
    e = e instanceof AggregateError && e.errors.length > 0 ? e.errors[0] : e.cause
  }
  return error
}

/**
 * What the CLI prints for a failed command: the message of an error it knows, and for a file that
 * cannot be read or a database that cannot be reached one line saying which. No stack trace: that
 * is for `--debug`.
 */
export function describeError(error: unknown): string {
  if (
    error instanceof ConfigError ||
    error instanceof DataDirInUseError ||
    error instanceof MigrationError ||
    error instanceof DomainError
  )
    return error.message
  const root = rootOf(error)
  if (isSystemError(root)) {
    const { code, path, address, port } = root
    if (path && code === 'ENOENT') return `No such file: ${path}`
    if (path && (code === 'EACCES' || code === 'EPERM')) return `Permission denied: ${path}`
    if (path && code === 'EISDIR') return `${path} is a directory, not a file`
    if (root.syscall === 'connect' || root.syscall === 'getaddrinfo' || code === 'ECONNRESET') {
      const where = address ? `${address}${port ? `:${port}` : ''}` : ((root as { hostname?: string }).hostname ?? '')
      return `Cannot reach the database${where ? ` at ${where}` : ''} (${code}): is it running, and is DATABASE_URL right?`
    }
    return root.message.startsWith(code) ? root.message : `${root.message} (${code})`
  }
  if (isDatabaseError(root)) return `The database refused: ${root.message} (SQLSTATE ${root.code})`
  const message = root instanceof Error ? root.message || root.name : String(root)
  return `${message.split('\n')[0]} (run with --debug for the stack trace)`
}

/** The bad fields of a failed command, one line each, the first `SHOWN_FIELD_ERRORS` and a count of the rest. */
export function fieldErrorLines(errors: readonly FieldError[]): string[] {
  const lines = errors.slice(0, SHOWN_FIELD_ERRORS).map((field) => `  ${field.path}: ${field.message}`)
  const more = errors.length - SHOWN_FIELD_ERRORS
  if (more > 0) lines.push(`  … and ${more} more error${more === 1 ? '' : 's'}`)
  return lines
}
