import type { DetailsCheck, DetailsProblem, PortingCountry } from '../../domain/porting/details.js'
import {
  SUPPORTED_PREFIXES,
  checkDetails,
  correctedDetails,
  knownDetails,
  portingCountry,
} from '../../domain/porting/details.js'
import { assertEditable, freshState } from '../../domain/porting/port-in.js'
import { BusinessRuleError, ConflictError, InvalidInputError, NotFoundError } from '../../domain/shared/errors.js'
import type { EntityRef } from '../../domain/shared/ids.js'
import { newId } from '../../domain/shared/ids.js'
import type { Executor } from '../../persistence/database.js'
import { isUniqueViolation } from '../../persistence/errors.js'
import type { PortInRow } from '../../persistence/repositories/port-in.repository.js'
import * as ports from '../../persistence/repositories/port-in.repository.js'
import type { RequestContext } from '../context.js'
import type { NumberPoolService } from '../inventory/number-pool.service.js'
import type { JobQueue } from '../job-queue.service.js'
import type { SubscriptionView } from '../subscriptions/subscription-view.js'
import type { SubscriptionService } from '../subscriptions/subscription.service.js'
import type { UnitOfWork } from '../unit-of-work.js'
import type { PortInRecords } from './port-in-records.js'
import type { PortingView } from './port-in-view.js'
import { toPortingView } from './port-in-view.js'
import { enqueueSubmission } from './porting-jobs.js'
import type { PortingProviders } from './porting-providers.js'

export interface StartPortIn {
  subscriptionId: string
  msisdn: string
  details: Record<string, unknown>
  /** The pool number the line uses until the port completes; null: the subscription waits, PENDING. */
  temporaryMsisdn: string | null
}

/** What an order's SUBSCRIPTION line item with porting details lacks, and what is wrong with it. */
export interface PortInCheck {
  /** Dotted paths on the line item (`porting.address.zip`). */
  missing: string[]
  errors: DetailsProblem[]
}

/**
 * Port-ins, the request side: orders start them, clients read and correct their details, and the
 * subscription's view and end consult them. Talking to the porting provider is the jobs' part
 * (PortInProgress), never a request's.
 */
export class PortInService {
  constructor(
    private readonly db: Executor,
    private readonly uow: UnitOfWork,
    private readonly subscriptions: SubscriptionService,
    private readonly numbers: Pick<NumberPoolService, 'isPoolNumber'>,
    private readonly providers: PortingProviders,
    private readonly queue: JobQueue,
    private readonly records: PortInRecords,
  ) {}

  /**
   * The checks of an order's port-in line item, run whenever the order is validated: the tenant
   * can port numbers in, the number is one Openline can port and the tenant does not already
   * have, and the details are complete for its country.
   */
  async check(
    ex: Executor,
    ctx: RequestContext,
    input: { msisdn: string | undefined; details: Record<string, unknown> },
  ): Promise<PortInCheck> {
    const result: PortInCheck = { missing: [], errors: [] }
    if (!this.providers.settings(ctx.tenant))
      result.errors.push({
        property: 'porting',
        message: 'This tenant cannot port numbers in: set the tenant setting portingProvider.',
      })
    if (!input.msisdn) return result
    const country = portingCountry(input.msisdn)
    if (!country) {
      result.errors.push({ property: 'msisdn', message: `Only ${SUPPORTED_PREFIXES} numbers can be ported in.` })
      return result
    }
    const details = checkDetails(country, input.details)
    result.missing.push(...details.missing.map(onLineItem))
    result.errors.push(...details.errors.map((e) => ({ ...e, property: onLineItem(e.property) })))
    const taken = await this.numberTaken(ex, ctx.tenant.id, input.msisdn)
    if (taken) result.errors.push({ property: 'msisdn', message: taken.message })
    return result
  }

  /**
   * Starts a port-in for a subscription fulfilment is creating, in its transaction: the port-in is
   * PENDING, `subscription.portIn.created` is emitted and the submission to the provider queued.
   * The same rules as `check`, as 422s: the order may have waited since it was validated.
   */
  async start(tx: Executor, ctx: RequestContext, input: StartPortIn): Promise<PortInRow> {
    const settings = this.providers.settings(ctx.tenant)
    if (!settings)
      throw new BusinessRuleError(
        'porting.unavailable',
        'This tenant cannot port numbers in: set the tenant setting portingProvider.',
      )
    const country = this.countryOf(input.msisdn)
    const details = checkDetails(country, input.details)
    if (details.missing.length > 0 || details.errors.length > 0)
      throw invalidDetails(BusinessRuleError, details, '/porting')
    const taken = await this.numberTaken(tx, ctx.tenant.id, input.msisdn)
    if (taken) throw taken
    const now = ctx.clock.now()
    const row: PortInRow = {
      tenantId: ctx.tenant.id,
      id: newId(),
      subscriptionId: input.subscriptionId,
      direction: 'INBOUND',
      ...freshState(),
      msisdn: input.msisdn,
      country,
      temporaryMsisdn: input.temporaryMsisdn,
      details: knownDetails(country, input.details),
      revision: 1,
      providerType: settings.type,
      createdAt: now,
      updatedAt: now,
    }
    try {
      await tx.transaction((sp) => ports.insertPortIn(sp, row))
    } catch (error) {
      if (isUniqueViolation(error)) throw numberInProgress(input.msisdn)
      throw error
    }
    await this.records.note(tx, ctx, row, 'port_in_requested', { temporaryMsisdn: input.temporaryMsisdn })
    await enqueueSubmission(this.queue, tx, ctx, row.id, row.revision)
    await this.records.publish(tx, ctx, row, 'created')
    return row
  }

  /** `GET /subscriptions/{id}/in-porting`: the subscription's port-in, or 404 `porting.not_found`. */
  async get(ctx: RequestContext, ref: EntityRef): Promise<PortingView> {
    const subscription = await this.subscriptions.require(this.db, ctx, ref)
    return toPortingView(await this.require(this.db, ctx, subscription.id), ctx.tenant.timeZone)
  }

  /**
   * `POST /subscriptions/{id}/in-porting`: corrects the details while the port-in is PENDING or
   * IN_PROGRESS (else 409 `porting.not_editable`). The port-in is PENDING again and submitted anew
   * with the next revision, which clears a rejection; an answer about the old details is ignored.
   * Incomplete or wrong details are a 400 naming each field; a masked passcode keeps the stored one.
   */
  async correct(
    ctx: RequestContext,
    ref: EntityRef,
    details: Record<string, unknown>,
  ): Promise<{ subscription: SubscriptionView }> {
    return this.uow.write(ctx, async (tx) => {
      const subscription = await this.subscriptions.require(tx, ctx, ref, true)
      const row = await this.require(tx, ctx, subscription.id, true)
      assertEditable(row.status)
      const merged = correctedDetails(row.details, details)
      const check = checkDetails(row.country, merged)
      if (check.missing.length > 0 || check.errors.length > 0)
        throw invalidDetails(InvalidInputError, check, '/body/details')
      const corrected = await this.records.save(tx, ctx, row, {
        status: 'PENDING',
        details: knownDetails(row.country, merged),
        revision: row.revision + 1,
        scheduledAt: null,
        rejectionReason: null,
        rejectedAt: null,
      })
      await this.records.note(tx, ctx, corrected, 'port_in_details_corrected', {
        revision: corrected.revision,
        from: row.status,
      })
      await enqueueSubmission(this.queue, tx, ctx, corrected.id, corrected.revision)
      await this.records.publish(tx, ctx, corrected, 'updated')
      return { subscription: await this.records.subscriptionChanged(tx, ctx, subscription) }
    })
  }

  private async require(ex: Executor, ctx: RequestContext, subscriptionId: string, lock = false): Promise<PortInRow> {
    const row = await ports.findPortInOfSubscription(ex, ctx.tenant.id, subscriptionId, { lock })
    if (!row) throw new NotFoundError('porting', subscriptionId, { message: 'The subscription has no port-in.' })
    return row
  }

  private countryOf(msisdn: string): PortingCountry {
    const country = portingCountry(msisdn)
    if (!country)
      throw new BusinessRuleError(
        'porting.unsupported_number',
        `Only ${SUPPORTED_PREFIXES} numbers can be ported in, not ${msisdn}.`,
        { msisdn },
      )
    return country
  }

  /** Why the tenant cannot port this number in (it has it already, or is porting it), or null. */
  private async numberTaken(
    ex: Executor,
    tenantId: string,
    msisdn: string,
  ): Promise<BusinessRuleError | ConflictError | null> {
    // In use first: a pool number on a live line cannot be leased either, so "lease it" would mislead.
    if (await this.subscriptions.numberInUse(ex, tenantId, msisdn))
      return new BusinessRuleError(
        'porting.number_in_use',
        `${msisdn} is already the number of one of this tenant's subscriptions.`,
        { msisdn },
      )
    if (await this.numbers.isPoolNumber(ex, tenantId, msisdn))
      return new BusinessRuleError(
        'porting.number_in_pool',
        `${msisdn} is in this tenant's number pool: lease it instead of porting it in.`,
        { msisdn },
      )
    if (await ports.findLivePortInOf(ex, tenantId, msisdn)) return numberInProgress(msisdn)
    return null
  }
}

const onLineItem = (property: string): string => (property ? `porting.${property}` : 'porting')

const numberInProgress = (msisdn: string) =>
  new ConflictError('porting.number_in_progress', `${msisdn} is already being ported in.`, { msisdn })

/** The error naming every missing and wrong field of the details, under `prefix` (a JSON pointer). */
function invalidDetails(
  Kind: typeof InvalidInputError | typeof BusinessRuleError,
  check: DetailsCheck,
  prefix: string,
): InvalidInputError | BusinessRuleError {
  const at = (property: string) => `${prefix}${property ? `/${property.replaceAll('.', '/')}` : ''}`
  const fields = [
    ...check.missing.map((p) => ({ path: at(p), message: 'is required' })),
    ...check.errors.map((e) => ({ path: at(e.property), message: e.message })),
  ]
  return new Kind(
    'porting.invalid_details',
    `The porting details are incomplete or wrong: ${fields.map((f) => `${f.path} ${f.message}`).join('; ')}.`,
    { missingFields: check.missing },
    fields,
  )
}
