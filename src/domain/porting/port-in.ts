import { ConflictError } from '../shared/errors.js'

/**
 * A port-in moves a number from another operator (the donor) to this one (reference 4.5):
 *
 *   PENDING ──submitted──► IN_PROGRESS ──donor confirms a date──► SCHEDULED ──port date──► COMPLETED
 *      ▲                        │                                     │
 *      └──rejected (details)────┤                                     │
 *      └──details corrected─────┘                                     │
 *   PENDING | IN_PROGRESS | SCHEDULED ──refused, or the subscription ended──► FAILED
 *
 * A rejection for wrong details is not a failure: the port-in goes back to PENDING with the
 * rejection shown, and correcting the details (allowed while PENDING or IN_PROGRESS) submits it
 * again. FAILED is final: the donor refused for good, or someone has to step in.
 */
export const PORT_IN_STATUSES = ['PENDING', 'IN_PROGRESS', 'SCHEDULED', 'COMPLETED', 'FAILED'] as const
export type PortInStatus = (typeof PORT_IN_STATUSES)[number]
export type PortingDirection = 'INBOUND' | 'OUTBOUND'

const MOVES: Record<PortInStatus, readonly PortInStatus[]> = {
  PENDING: ['IN_PROGRESS', 'SCHEDULED', 'COMPLETED', 'FAILED'],
  IN_PROGRESS: ['PENDING', 'SCHEDULED', 'COMPLETED', 'FAILED'],
  SCHEDULED: ['COMPLETED', 'FAILED'],
  COMPLETED: [],
  FAILED: [],
}

export const canMove = (from: PortInStatus, to: PortInStatus): boolean => from === to || MOVES[from].includes(to)
export const isLive = (status: PortInStatus): boolean => status !== 'COMPLETED' && status !== 'FAILED'
/** Details can be corrected until the donor has agreed a date. */
export const isEditable = (status: PortInStatus): boolean => status === 'PENDING' || status === 'IN_PROGRESS'

/** 409 `porting.not_editable`, naming the status (reference: details are editable while PENDING or IN_PROGRESS). */
export function assertEditable(status: PortInStatus): void {
  if (!isEditable(status)) {
    throw new ConflictError(
      'porting.not_editable',
      `The port-in is ${status}: its details can only be corrected while it is PENDING or IN_PROGRESS.`,
      { currentStatus: status },
    )
  }
}

/** What a porting provider answers about a port-in (to a submission or a check). */
export type PortingAnswer =
  /** The provider took the request; the donor is reviewing it. Check again after `checkAfterMs`. */
  | { status: 'IN_PROGRESS'; reference: string; checkAfterMs: number }
  /** The donor agreed a port instant. Check again after `checkAfterMs` (normally at that instant). */
  | { status: 'SCHEDULED'; reference: string; scheduledAt: Date; checkAfterMs: number }
  /** The number is ours. */
  | { status: 'COMPLETED'; reference: string }
  /** The details do not match the donor's records: correct them and the port-in is submitted again. */
  | { status: 'REJECTED'; reason: string }
  /** Refused for good (or it needs someone to step in). */
  | { status: 'FAILED'; reason: string }

/** The fields of a port-in that an answer changes. */
export interface PortInState {
  status: PortInStatus
  providerReference: string | null
  scheduledAt: Date | null
  rejectionReason: string | null
  rejectedAt: Date | null
  failureReason: string | null
  completedAt: Date | null
  failedAt: Date | null
}

/** A port-in not yet sent anywhere: PENDING, nothing answered. */
export const freshState = (): PortInState => ({
  status: 'PENDING',
  providerReference: null,
  scheduledAt: null,
  rejectionReason: null,
  rejectedAt: null,
  failureReason: null,
  completedAt: null,
  failedAt: null,
})

export type PortInEvent = 'updated' | 'completed' | 'failed'

export interface AnswerOutcome {
  patch: Partial<PortInState>
  /** The `subscription.portIn.*` event to emit; null when nothing a client sees changed. */
  event: PortInEvent | null
  /** When to ask the provider again; null when the port-in waits for someone else. */
  checkAfterMs: number | null
}

/**
 * What a provider's answer does to a port-in, as of `now`. Throws when the answer would move the
 * port-in backwards (a provider that reports SCHEDULED after COMPLETED is wrong, not news).
 */
export function applyAnswer(current: PortInState, answer: PortingAnswer, now: Date): AnswerOutcome {
  const to: PortInStatus = answer.status === 'REJECTED' ? 'PENDING' : answer.status
  if (!canMove(current.status, to))
    throw new Error(`A ${current.status} port-in cannot become ${to} (the provider answered ${answer.status}).`)
  switch (answer.status) {
    case 'IN_PROGRESS': {
      const changed = current.status !== 'IN_PROGRESS' || current.providerReference !== answer.reference
      return {
        patch: { status: 'IN_PROGRESS', providerReference: answer.reference },
        event: changed ? 'updated' : null,
        checkAfterMs: answer.checkAfterMs,
      }
    }
    case 'SCHEDULED': {
      const changed = current.status !== 'SCHEDULED' || current.scheduledAt?.getTime() !== answer.scheduledAt.getTime()
      return {
        patch: { status: 'SCHEDULED', providerReference: answer.reference, scheduledAt: answer.scheduledAt },
        event: changed ? 'updated' : null,
        checkAfterMs: answer.checkAfterMs,
      }
    }
    case 'COMPLETED':
      return {
        patch: { status: 'COMPLETED', providerReference: answer.reference, completedAt: now },
        event: 'completed',
        checkAfterMs: null,
      }
    case 'REJECTED':
      return {
        patch: { status: 'PENDING', rejectionReason: answer.reason, rejectedAt: now, scheduledAt: null },
        event: 'updated',
        checkAfterMs: null,
      }
    case 'FAILED':
      return { patch: failure(answer.reason, now), event: 'failed', checkAfterMs: null }
  }
}

/** The patch that ends a port-in as FAILED. */
export const failure = (reason: string, now: Date): Partial<PortInState> => ({
  status: 'FAILED',
  failureReason: reason,
  failedAt: now,
})

/** Whether a PENDING port-in waits for corrected details (its last submission was rejected). */
export const awaitsCorrection = (state: Pick<PortInState, 'status' | 'rejectedAt'>): boolean =>
  state.status === 'PENDING' && state.rejectedAt !== null

/** What the subscription shows of its port-in (`porting`); the details are at /subscriptions/{id}/in-porting. */
export interface PortingSummary {
  msisdn: string
  status: PortInStatus
  direction: PortingDirection
  /** The port day (tenant calendar) once the donor agreed one. */
  scheduledAt: string | null
  createdAt: Date
  updatedAt: Date
}
