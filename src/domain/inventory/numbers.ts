import { createHash, randomBytes } from 'node:crypto'
import type { FieldError } from '../shared/errors.js'
import { checkImportRows } from './import.js'
import { E164 } from '../subscriptions/subscription.js'

export type NumberStatus = 'AVAILABLE' | 'LEASED' | 'ASSIGNED' | 'QUARANTINED'
export const NUMBER_STATUSES: readonly NumberStatus[] = ['AVAILABLE', 'LEASED', 'ASSIGNED', 'QUARANTINED']

/**
 * Number types are an open set (CELL, DATA, M2M, LANDLINE …): 2-20 upper-case letters, digits and
 * underscores, starting with a letter. Digits are allowed because M2M is one of the common types.
 */
export const NUMBER_TYPE = '^[A-Z][A-Z0-9_]{1,19}$'
export const MAX_GRADE = 1000
export const MAX_IMPORT_ROWS = 10_000

/** How long a lease holds its numbers. The reference shows leasedAt + 1 h. */
export const LEASE_MS = 60 * 60 * 1000
export const MAX_LEASE_COUNT = 10

/** The tenant setting that says how many days a released number rests before it can be leased again. */
export const QUARANTINE_DAYS_SETTING = 'numberQuarantineDays'
export const DEFAULT_QUARANTINE_DAYS = 90

const e164 = new RegExp(E164)
const numberType = new RegExp(NUMBER_TYPE)

/** The fields of a number to import, besides `metadata`. */
export const NUMBER_FIELDS = ['msisdn', 'type', 'grade'] as const

export interface NumberImportRow {
  msisdn: string
  type: string
  grade?: number
  metadata?: Record<string, unknown>
}

/**
 * Checks rows to import, each on its own and against the others (a number listed twice), and
 * answers every problem with its path: `pathOf(3)` is where row 3 lives (`/body/numbers/3` over
 * HTTP, `/line/5` in a CSV file). The HTTP schema checks the same rules; the CLI has only this.
 */
export function checkNumberRows(rows: readonly unknown[], pathOf: (index: number) => string): FieldError[] {
  const msisdn = (row: Record<string, unknown>, bad: (field: string, message: string) => void) => {
    if (typeof row.msisdn === 'string' && e164.test(row.msisdn)) return row.msisdn
    bad('msisdn', 'must be an E.164 number (+ then 8-15 digits)')
  }
  return checkImportRows(rows, pathOf, { field: 'msisdn', valid: msisdn }, NUMBER_FIELDS, (row, bad) => {
    if (typeof row.type !== 'string' || !numberType.test(row.type))
      bad('type', 'must be 2-20 upper-case letters, digits or underscores, starting with a letter (CELL, DATA, M2M …)')
    if (
      row.grade !== undefined &&
      !(Number.isInteger(row.grade) && (row.grade as number) >= 0 && (row.grade as number) <= MAX_GRADE)
    )
      bad('grade', `must be an integer from 0 to ${MAX_GRADE}`)
  })
}

/** The tenant's quarantine length in days: its setting when it is a whole number ≥ 0, else 90. */
export function quarantineDays(settings: Record<string, unknown>): number {
  const value = settings[QUARANTINE_DAYS_SETTING]
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : DEFAULT_QUARANTINE_DAYS
}

/** `lease_` and 192 random bits, base64url. Only its SHA-256 is stored. */
export function newLeaseToken(): string {
  return `lease_${randomBytes(24).toString('base64url')}`
}

export const hashLeaseToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex')
