import type { NumberStatus } from '../../domain/inventory/numbers.js'
import type { NumberRow } from '../../persistence/repositories/number.repository.js'

/** A number of the pool as operators see it (GET /inventory/numbers). */
export interface NumberView {
  msisdn: string
  type: string
  grade: number
  status: NumberStatus
  /** Since when the number is free, or (QUARANTINED) when it will be again. */
  availableAt: Date
  /** The current lease, while LEASED. */
  leasedAt: Date | null
  expiresAt: Date | null
  /** The subscription that has it, while ASSIGNED. */
  subscriptionId: string | null
  metadata: Record<string, unknown>
  createdAt: Date
  updatedAt: Date
}

/** A number in a lease response: the reference's shape. */
export interface LeasedNumberView {
  msisdn: string
  type: string
  grade: number
  availableAt: Date
  leasedAt: Date
  expiresAt: Date
  metadata: Record<string, unknown>
}

export interface LeaseView {
  numbers: LeasedNumberView[]
  /** `lease_…`: send it with each msisdn in a SUBSCRIPTION line item. */
  leaseToken: string
  expiresAt: Date
}

export interface ImportResult {
  /** Rows that were new to the pool. */
  imported: number
  /** Rows the tenant already had: left as they are. */
  skipped: number
}

/** How an import is told where its rows came from, and how it reports progress on a long file. */
export interface ImportOptions {
  /** Where row `index` sits, for the messages about bad ones (`/line/5` in a CSV file). */
  pathOf?: (index: number) => string
  /** Called with the number of rows written so far, after each chunk. */
  onProgress?: (written: number) => void
}

export const toNumberView = (row: NumberRow): NumberView => ({
  msisdn: row.msisdn,
  type: row.type,
  grade: row.grade,
  status: row.status,
  availableAt: row.availableAt,
  leasedAt: row.leasedAt,
  expiresAt: row.leaseExpiresAt,
  subscriptionId: row.subscriptionId,
  metadata: row.metadata,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
})

export const toLeasedNumberView = (row: NumberRow): LeasedNumberView => ({
  msisdn: row.msisdn,
  type: row.type,
  grade: row.grade,
  availableAt: row.availableAt,
  leasedAt: row.leasedAt as Date,
  expiresAt: row.leaseExpiresAt as Date,
  metadata: row.metadata,
})
