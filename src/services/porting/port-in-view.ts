import { toLocalDate } from '../../domain/scheduling/calendar.js'
import { maskedDetails } from '../../domain/porting/details.js'
import type { PortInStatus, PortingDirection, PortingSummary } from '../../domain/porting/port-in.js'
import type { PortInRow } from '../../persistence/repositories/port-in.repository.js'

/** The Connect API's Porting (reference 3.8), with what Openline adds to follow a port-in. */
export interface PortingView {
  portInId: string
  subscriptionId: string
  msisdn: string
  status: PortInStatus
  direction: PortingDirection
  /** As given, the passcode masked. */
  details: Record<string, unknown>
  /** The port day (tenant calendar) once the donor agreed one. */
  scheduledAt: string | null
  /** The pool number the line uses until the port completes. */
  temporaryMsisdn: string | null
  /** The donor's rejection of the current details, until they are corrected. */
  rejection: { reason: string; rejectedAt: Date } | null
  failure: { reason: string; failedAt: Date } | null
  providerReference: string | null
  completedAt: Date | null
  createdAt: Date
  updatedAt: Date
}

export function toPortingView(row: PortInRow, timeZone: string): PortingView {
  return {
    portInId: row.id,
    subscriptionId: row.subscriptionId,
    msisdn: row.msisdn,
    status: row.status,
    direction: row.direction,
    details: maskedDetails(row.details),
    scheduledAt: row.scheduledAt ? toLocalDate(row.scheduledAt, timeZone) : null,
    temporaryMsisdn: row.temporaryMsisdn,
    rejection:
      row.rejectionReason && row.rejectedAt ? { reason: row.rejectionReason, rejectedAt: row.rejectedAt } : null,
    failure: row.failureReason && row.failedAt ? { reason: row.failureReason, failedAt: row.failedAt } : null,
    providerReference: row.providerReference,
    completedAt: row.completedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }
}

/** What the subscription shows of its port-in. */
export function toPortingSummary(row: PortInRow, timeZone: string): PortingSummary {
  return {
    msisdn: row.msisdn,
    status: row.status,
    direction: row.direction,
    scheduledAt: row.scheduledAt ? toLocalDate(row.scheduledAt, timeZone) : null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }
}
