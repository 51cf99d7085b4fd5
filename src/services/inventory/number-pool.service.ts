import { invalidImport } from '../../domain/inventory/import.js'
import type { NumberImportRow, NumberStatus } from '../../domain/inventory/numbers.js'
import {
  LEASE_MS,
  checkNumberRows,
  hashLeaseToken,
  newLeaseToken,
  quarantineDays,
} from '../../domain/inventory/numbers.js'
import { addCalendar } from '../../domain/scheduling/calendar.js'
import type { Clock } from '../../domain/shared/clock.js'
import type { CodeWithStatus } from '../../domain/shared/error-codes.js'
import { BusinessRuleError } from '../../domain/shared/errors.js'
import type { FieldError } from '../../domain/shared/errors.js'
import { newId } from '../../domain/shared/ids.js'
import type { Page, PageRequest } from '../../domain/shared/paging.js'
import { mapPage, readPage } from '../../domain/shared/paging.js'
import type { Executor } from '../../persistence/database.js'
import type { NumberRow } from '../../persistence/repositories/number.repository.js'
import * as numbers from '../../persistence/repositories/number.repository.js'
import type { RequestContext } from '../context.js'
import { systemContext } from '../context.js'
import type { JobQueue } from '../job-queue.service.js'
import type { SubscriptionListener } from '../subscriptions/subscription-lifecycle.js'
import type { TenantService } from '../tenant.service.js'
import type { UnitOfWork } from '../unit-of-work.js'
import type { ImportOptions, ImportResult, LeaseView, NumberView } from './number-views.js'
import { toLeasedNumberView, toNumberView } from './number-views.js'

export const EXPIRE_LEASE = 'inventory.lease.expire'
export const END_QUARANTINE = 'inventory.number.quarantine_end'

/**
 * The tenant's pool of phone numbers. Operators import them; shops lease some for an hour while a
 * customer picks one; fulfilment assigns a leased number, or any free one, to the new subscription;
 * a number a subscription gives back rests in quarantine before it is offered again. Stored status
 * is the truth: jobs on the tenant's clock end leases and quarantines.
 */
export class NumberPoolService {
  constructor(
    private readonly db: Executor,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly queue: JobQueue,
    private readonly tenants: TenantService,
  ) {}

  /** Adds numbers to the pool in one transaction; existing ones are skipped. Any bad row: nothing is written. */
  async importNumbers(
    ctx: RequestContext,
    rows: readonly unknown[],
    { pathOf = (i) => `/body/numbers/${i}`, onProgress }: ImportOptions = {},
  ): Promise<ImportResult> {
    const errors = checkNumberRows(rows, pathOf)
    if (errors.length > 0) throw invalidImport('numbers', errors)
    const now = ctx.clock.now()
    const records: NumberRow[] = (rows as NumberImportRow[]).map((row) => ({
      tenantId: ctx.tenant.id,
      msisdn: row.msisdn,
      type: row.type,
      grade: row.grade ?? 0,
      status: 'AVAILABLE',
      availableAt: now,
      leaseId: null,
      leasedAt: null,
      leaseExpiresAt: null,
      subscriptionId: null,
      metadata: row.metadata ?? {},
      createdAt: now,
      updatedAt: now,
    }))
    return this.uow.write(ctx, async (tx) => {
      const imported = await numbers.insertNumbers(tx, records, onProgress)
      return { imported, skipped: records.length - imported }
    })
  }

  async list(
    ctx: RequestContext,
    filter: { statuses?: NumberStatus[]; types?: string[] },
    page: PageRequest,
  ): Promise<Page<NumberView>> {
    const result = await readPage(
      page,
      (window) => numbers.listNumbers(this.db, ctx.tenant.id, filter, window),
      (row) => row.msisdn,
      () => numbers.countNumbers(this.db, ctx.tenant.id, filter),
    )
    return mapPage(result, toNumberView)
  }

  /**
   * Reserves `count` AVAILABLE numbers of any of `types` (lowest grade first) for one hour under
   * one new token. Too few: 422 `inventory.numbers_unavailable` saying how many there are.
   */
  async lease(ctx: RequestContext, input: { types: string[]; count: number }): Promise<LeaseView> {
    return this.uow.write(ctx, async (tx) => {
      const picked = await numbers.pickAvailable(tx, ctx.tenant.id, input.types, input.count)
      if (picked.length < input.count) throw await this.unavailable(tx, ctx, input.types, input.count)
      const now = ctx.clock.now()
      const expiresAt = new Date(now.getTime() + LEASE_MS)
      const leaseToken = newLeaseToken()
      const leaseId = newId()
      await numbers.insertLease(tx, {
        tenantId: ctx.tenant.id,
        id: leaseId,
        tokenHash: hashLeaseToken(leaseToken),
        leasedAt: now,
        expiresAt,
        releasedAt: null,
        createdAt: now,
      })
      const leased = await numbers.updateNumbers(
        tx,
        ctx.tenant.id,
        picked.map((n) => n.msisdn),
        { status: 'LEASED', leaseId, leasedAt: now, leaseExpiresAt: expiresAt, updatedAt: now },
      )
      await this.queue.enqueue(tx, {
        tenantId: ctx.tenant.id,
        kind: EXPIRE_LEASE,
        payload: { leaseId },
        runAt: expiresAt,
        dedupeKey: `lease:${leaseId}`,
      })
      return { numbers: leased.map(toLeasedNumberView), leaseToken, expiresAt }
    })
  }

  /**
   * Checks, inside the caller's transaction, that `msisdn` is held by the live lease `leaseToken`.
   * `path` is where the pair sits in the caller's request (`/body/lineItems/0`); the errors point at
   * its `leaseToken` or `msisdn`. 422 `inventory.lease_invalid` (unknown token),
   * `inventory.lease_expired`, `inventory.number_not_in_lease`.
   */
  async assertLeased(
    ex: Executor,
    ctx: RequestContext,
    msisdn: string,
    leaseToken: string,
    path?: string,
  ): Promise<void> {
    await this.leasedNumber(ex, ctx, msisdn, leaseToken, path, false)
  }

  /** Assigns a leased number to a subscription (ASSIGNED); the lease no longer holds it. Same 422s as `assertLeased`. */
  async assignLeased(
    tx: Executor,
    ctx: RequestContext,
    input: { msisdn: string; leaseToken: string; subscriptionId: string },
    path?: string,
  ): Promise<void> {
    await this.leasedNumber(tx, ctx, input.msisdn, input.leaseToken, path, true)
    await this.assign(tx, ctx, input.msisdn, input.subscriptionId)
  }

  /** Assigns the AVAILABLE number of `type` with the lowest grade; 422 `inventory.numbers_unavailable` when there is none. */
  async assignFromPool(
    tx: Executor,
    ctx: RequestContext,
    input: { type: string; subscriptionId: string },
  ): Promise<string> {
    const [picked] = await numbers.pickAvailable(tx, ctx.tenant.id, [input.type], 1)
    if (!picked) throw await this.unavailable(tx, ctx, [input.type], 1)
    await this.assign(tx, ctx, picked.msisdn, input.subscriptionId)
    return picked.msisdn
  }

  /**
   * Gives an ASSIGNED number back: QUARANTINED for the tenant's `numberQuarantineDays` (default 90),
   * then AVAILABLE again. Numbers not in the pool, or not assigned, are left alone.
   */
  async releaseNumber(tx: Executor, ctx: RequestContext, msisdn: string): Promise<void> {
    const row = await numbers.findNumber(tx, ctx.tenant.id, msisdn, { lock: true })
    if (row?.status === 'ASSIGNED') await this.quarantine(tx, ctx, row, ctx.clock.now())
  }

  async isPoolNumber(ex: Executor, tenantId: string, msisdn: string): Promise<boolean> {
    return (await numbers.findNumber(ex, tenantId, msisdn)) !== undefined
  }

  /** A subscription that ends gives its pool numbers back, into quarantine from the instant it ended. */
  subscriptionListener(): SubscriptionListener {
    return {
      ended: async (tx, ctx, subscription, at) => {
        for (const row of await numbers.numbersOfSubscription(tx, ctx.tenant.id, subscription.id))
          await this.quarantine(tx, ctx, row, at)
      },
    }
  }

  /** The job at a lease's expiry: its unused numbers are AVAILABLE again. Safe to run twice. */
  async expireLease(tenantId: string, leaseId: string): Promise<number> {
    const tenant = await this.tenants.getById(tenantId)
    const now = systemContext(tenant, this.clock, 'lease-expiry').clock.now()
    return this.db.transaction(async (tx) => {
      if (!(await numbers.markLeaseReleased(tx, tenantId, leaseId, now))) return 0
      return (await numbers.releaseLeased(tx, tenantId, leaseId, now)).length
    })
  }

  /** The job at a quarantine's end: the number is AVAILABLE again (unless it was quarantined anew since). */
  async endQuarantine(tenantId: string, msisdn: string): Promise<boolean> {
    const tenant = await this.tenants.getById(tenantId)
    const now = systemContext(tenant, this.clock, 'quarantine-end').clock.now()
    return (await numbers.endQuarantine(this.db, tenantId, msisdn, now)) !== undefined
  }

  private async leasedNumber(
    ex: Executor,
    ctx: RequestContext,
    msisdn: string,
    leaseToken: string,
    path: string | undefined,
    lock: boolean,
  ): Promise<NumberRow> {
    const at = (field: string): FieldError[] => (path === undefined ? [] : [{ path: `${path}/${field}`, message: '' }])
    const lease = await numbers.findLeaseByHash(ex, ctx.tenant.id, hashLeaseToken(leaseToken))
    if (!lease)
      throw leaseError(
        'inventory.lease_invalid',
        'The lease token is not one this tenant was given.',
        { msisdn },
        at('leaseToken'),
        'unknown lease token',
      )
    if (lease.releasedAt || lease.expiresAt <= ctx.clock.now()) {
      throw leaseError(
        'inventory.lease_expired',
        `The lease expired at ${lease.expiresAt.toISOString()}; lease the number again.`,
        { msisdn, expiresAt: lease.expiresAt.toISOString() },
        at('leaseToken'),
        'the lease has expired',
      )
    }
    const row = await numbers.findNumber(ex, ctx.tenant.id, msisdn, { lock })
    if (row?.status !== 'LEASED' || row.leaseId !== lease.id) {
      throw leaseError(
        'inventory.number_not_in_lease',
        `${msisdn} is not held by this lease.`,
        { msisdn },
        at('msisdn'),
        'not held by this lease token',
      )
    }
    return row
  }

  private async assign(tx: Executor, ctx: RequestContext, msisdn: string, subscriptionId: string): Promise<void> {
    await numbers.updateNumbers(tx, ctx.tenant.id, [msisdn], {
      status: 'ASSIGNED',
      subscriptionId,
      leaseId: null,
      leasedAt: null,
      leaseExpiresAt: null,
      updatedAt: ctx.clock.now(),
    })
  }

  private async quarantine(tx: Executor, ctx: RequestContext, row: NumberRow, at: Date): Promise<void> {
    const days = quarantineDays(ctx.tenant.settings)
    const availableAt = days === 0 ? at : addCalendar(at, `P${days}D`, ctx.tenant.timeZone)
    const status = days === 0 ? 'AVAILABLE' : 'QUARANTINED'
    await numbers.updateNumbers(tx, ctx.tenant.id, [row.msisdn], {
      status,
      availableAt,
      subscriptionId: null,
      updatedAt: ctx.clock.now(),
    })
    if (status === 'QUARANTINED') {
      await this.queue.enqueue(tx, {
        tenantId: ctx.tenant.id,
        kind: END_QUARANTINE,
        payload: { msisdn: row.msisdn },
        runAt: availableAt,
        dedupeKey: `quarantine:${row.msisdn}:${availableAt.toISOString()}`,
      })
    }
  }

  private async unavailable(
    ex: Executor,
    ctx: RequestContext,
    types: string[],
    requested: number,
  ): Promise<BusinessRuleError> {
    const available = await numbers.countAvailable(ex, ctx.tenant.id, types)
    return new BusinessRuleError(
      'inventory.numbers_unavailable',
      `${requested} number(s) of type ${types.join(' or ')} asked for, but ${available} ${available === 1 ? 'is' : 'are'} available.`,
      { types, requested, available },
    )
  }
}

function leaseError(
  code: CodeWithStatus<422>,
  message: string,
  details: Record<string, unknown>,
  fields: FieldError[],
  fieldMessage: string,
): BusinessRuleError {
  return new BusinessRuleError(
    code,
    message,
    details,
    fields.map((f) => ({ ...f, message: fieldMessage })),
  )
}
