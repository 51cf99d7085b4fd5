import type { SimulatedPortingSettings } from '../../domain/access/tenant-settings.js'
import type { PortingAnswer } from '../../domain/porting/port-in.js'
import type { Clock } from '../../domain/shared/clock.js'
import { ProviderError } from '../provisioning/network-provider.js'
import type { PortInRequest, PortingProvider } from './porting-provider.js'

/** How long the simulated donor reviews a request before it answers (confirms a date, rejects or refuses). */
export const REVIEW_MS = 60 * 60 * 1000
const DAY_MS = 24 * 60 * 60 * 1000
export const DEFAULT_COMPLETE_AFTER_DAYS = 1

/**
 * Number endings that make the simulated donor walk each path (documented in docs/compatibility.md):
 * any other number is confirmed after the review and ported `completeAfterDays` after submission.
 */
export const MAGIC_ENDINGS = {
  /** The details do not match the donor's records: rejected until corrected once (revision 2 or later). */
  rejectedUntilCorrected: '0001',
  /** The donor refuses after its review: FAILED. */
  refused: '0002',
  /** Confirmed and scheduled, then cancelled by the donor on the port day: FAILED. */
  cancelledOnPortDay: '0003',
  /** Ported 7 days after submission. */
  slow: '0007',
} as const
export const SLOW_DAYS = 7

const REFERENCE = /^sim-port-[0-9a-f]{12}-(\d+)-(\d+)$/

/**
 * The built-in simulated porting provider (tenant setting `portingProvider: {type: 'simulated'}`,
 * the default of sandbox tenants). Stateless: the reference carries the instant the request was
 * taken, and everything after follows from the tenant's clock, the number's ending and the
 * details' revision, so a test clock walks a port-in through every state.
 */
export class SimulatedPortingProvider implements PortingProvider {
  constructor(
    private readonly settings: SimulatedPortingSettings,
    /** The tenant's clock: test clocks move the simulated donor along with everything else. */
    private readonly clock: Clock,
  ) {}

  async submit(request: PortInRequest): Promise<PortingAnswer> {
    const reference = `sim-port-${request.portInId.replaceAll('-', '').slice(-12).toLowerCase()}-${request.revision}-${this.clock.now().getTime()}`
    return { status: 'IN_PROGRESS', reference, checkAfterMs: REVIEW_MS }
  }

  async check(request: PortInRequest & { reference: string }): Promise<PortingAnswer> {
    const match = REFERENCE.exec(request.reference)
    if (!match)
      throw new ProviderError(`The simulated porting provider has no port-in '${request.reference}'.`, {
        retryable: false,
      })
    const { reference } = request
    const submittedAt = Number(match[2])
    const now = this.clock.now().getTime()
    const reviewedAt = submittedAt + REVIEW_MS
    if (now < reviewedAt) return { status: 'IN_PROGRESS', reference, checkAfterMs: reviewedAt - now }
    const ending = request.msisdn.slice(-4)
    if (ending === MAGIC_ENDINGS.rejectedUntilCorrected && request.revision === 1) {
      return {
        status: 'REJECTED',
        reason: 'The donor operator rejected the details: the account number and passcode do not match its records.',
      }
    }
    if (ending === MAGIC_ENDINGS.refused)
      return { status: 'FAILED', reason: 'The donor operator refused the port: the number is not portable.' }
    const days =
      ending === MAGIC_ENDINGS.slow ? SLOW_DAYS : (this.settings.completeAfterDays ?? DEFAULT_COMPLETE_AFTER_DAYS)
    const portAt = Math.max(reviewedAt, submittedAt + days * DAY_MS)
    if (now < portAt)
      return { status: 'SCHEDULED', reference, scheduledAt: new Date(portAt), checkAfterMs: portAt - now }
    if (ending === MAGIC_ENDINGS.cancelledOnPortDay)
      return { status: 'FAILED', reason: 'The donor operator cancelled the port on the port day.' }
    return { status: 'COMPLETED', reference }
  }

  async cancel(): Promise<void> {
    // Nothing is held: the simulation keeps no state.
  }
}
