import type { FieldError } from '../shared/errors.js'
import { checkImportRows } from './import.js'

export type SimType = 'PHYSICAL' | 'ESIM'
export const SIM_TYPES: readonly SimType[] = ['PHYSICAL', 'ESIM']

export type SimStatus = 'AVAILABLE' | 'RESERVED' | 'IN_USE' | 'CONSUMED' | 'BRAND_RESERVED'
export const SIM_STATUSES: readonly SimStatus[] = ['AVAILABLE', 'RESERVED', 'IN_USE', 'CONSUMED', 'BRAND_RESERVED']
/** The statuses a SIM may be imported in: free, or held back for a brand. */
export const IMPORT_STATUSES: readonly SimStatus[] = ['AVAILABLE', 'BRAND_RESERVED']

/**
 * The simulated SM-DP+ profile state of an eSIM, named after GSMA SGP.22 ES2+: AVAILABLE in stock,
 * ALLOCATED to an order, RELEASED for download once the subscription has it, UNAVAILABLE after the
 * subscription ended. DOWNLOADED / INSTALLED / ENABLED would come from a real SM-DP+.
 */
export type EsimProfileStatus = 'AVAILABLE' | 'ALLOCATED' | 'RELEASED' | 'UNAVAILABLE'

export interface EsimProfile {
  status: EsimProfileStatus
  /** The device's eUICC id, once a device downloaded the profile (never, in the simulation). */
  eid: string | null
  lastOperationAt: Date
}

export const ICCID = '^[0-9]{18,22}$'
export const IMSI = '^[0-9]{6,15}$'
export const PUK = '^[0-9]{8}$'
export const PIN = '^[0-9]{4,8}$'
/** An LPA activation code: `1$<SM-DP+ address>$<matching id>`, optionally `$<OID>` and `$1` (confirmation code needed). */
export const LPA = '^1\\$[^$\\s]+\\$[^$\\s]*(\\$[^$\\s]*){0,2}$'

const iccid = new RegExp(ICCID)
const imsi = new RegExp(IMSI)
const puk = new RegExp(PUK)
const pin = new RegExp(PIN)
const lpa = new RegExp(LPA)

/**
 * ICCIDs end in a Luhn check digit (ITU-T E.118), which catches a mistyped or truncated ICCID at
 * import rather than when a customer's SIM does not activate.
 */
export function luhnValid(digits: string): boolean {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48
    if (i % 2 === 1) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return sum % 10 === 0
}

/** Appends the Luhn check digit: for test data and simulations. */
export function withLuhnDigit(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(`${body}${d}`)) return `${body}${d}`
  throw new RangeError('unreachable')
}

export const isIccid = (value: string): boolean => iccid.test(value) && luhnValid(value)

/** The fields of a SIM to import, besides `metadata`. */
export const SIM_FIELDS = ['iccid', 'type', 'status', 'imsi', 'lpa', 'puk1', 'puk2', 'pin'] as const

export interface SimImportRow {
  iccid: string
  type: SimType
  status?: SimStatus
  imsi?: string
  lpa?: string
  puk1?: string
  puk2?: string
  pin?: string
  metadata?: Record<string, unknown>
}

/**
 * Checks SIM rows to import, one by one and against each other, with every problem's path (see
 * `checkNumberRows`). Messages never repeat a PUK or PIN value.
 */
export function checkSimRows(rows: readonly unknown[], pathOf: (index: number) => string): FieldError[] {
  const iccidOf = (row: Record<string, unknown>, bad: (field: string, message: string) => void) => {
    if (typeof row.iccid !== 'string' || !iccid.test(row.iccid)) bad('iccid', 'must be 18-22 digits')
    else if (!luhnValid(row.iccid)) bad('iccid', 'fails its Luhn check digit')
    else return row.iccid
  }
  return checkImportRows(rows, pathOf, { field: 'iccid', valid: iccidOf }, SIM_FIELDS, (row, bad) => {
    if (!SIM_TYPES.includes(row.type as SimType)) bad('type', 'must be PHYSICAL or ESIM')
    if (row.status !== undefined && !IMPORT_STATUSES.includes(row.status as SimStatus))
      bad('status', 'must be AVAILABLE or BRAND_RESERVED')
    if (row.imsi !== undefined && (typeof row.imsi !== 'string' || !imsi.test(row.imsi)))
      bad('imsi', 'must be 6-15 digits')
    if (row.type === 'ESIM' && row.lpa === undefined)
      bad('lpa', 'is required for an eSIM (its activation code, 1$<SM-DP+>$<matching id>)')
    else if (row.type === 'PHYSICAL' && row.lpa !== undefined) bad('lpa', 'only an eSIM has an activation code')
    else if (row.lpa !== undefined && (typeof row.lpa !== 'string' || !lpa.test(row.lpa)))
      bad('lpa', 'must be an activation code: 1$<SM-DP+ address>$<matching id>')
    for (const field of ['puk1', 'puk2'] as const)
      if (row[field] !== undefined && (typeof row[field] !== 'string' || !puk.test(row[field])))
        bad(field, 'must be 8 digits')
    if (row.pin !== undefined && (typeof row.pin !== 'string' || !pin.test(row.pin))) bad('pin', 'must be 4-8 digits')
  })
}
