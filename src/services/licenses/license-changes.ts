import type { Offering } from '../../domain/catalog/offering.js'
import type { ChangeOption } from '../../domain/catalog/views.js'
import { changeOption } from '../../domain/catalog/views.js'
import {
  LICENSE_TARGET,
  licenseChangeFits,
  licenseChangeWhen,
  licenseStatusConflict,
} from '../../domain/licenses/license.js'
import { startOfLocalDate } from '../../domain/scheduling/calendar.js'
import { BusinessRuleError, ConflictError, NotFoundError } from '../../domain/shared/errors.js'
import type { EntityRef } from '../../domain/shared/ids.js'
import { formatEntityRef } from '../../domain/shared/ids.js'
import type { Executor } from '../../persistence/database.js'
import type { LicenseRow } from '../../persistence/repositories/license.repository.js'
import * as licenses from '../../persistence/repositories/license.repository.js'
import type { CatalogService } from '../catalog.service.js'
import type { RequestContext } from '../context.js'
import type { ScheduledChange, SchedulingService } from '../scheduling.service.js'
import type { LicenseLifecycle } from './license-lifecycle.js'
import { LICENSE_EVENTS } from './license-lifecycle.js'
import type { LicenseView } from './license-view.js'

export interface CancelLicenseInput {
  /** The earliest day it ends (tenant's calendar); none or a day begun = now. */
  scheduledAt?: string
  reason?: string
  metadata?: Record<string, unknown>
}

export interface ChangeLicenseOfferingInput {
  productOfferingId: string
  /** The earliest acceptable day; the first allowed instant at or after it is used. */
  scheduledAt?: string
  reason?: string
  metadata?: Record<string, unknown>
}

/**
 * Cancelling a license and changing its offering, now or later, through the one scheduling engine,
 * with the subscription rules: a date is the earliest acceptable day, downgrades wait for the
 * license's own next renewal, a scheduled cancel supersedes what comes after it.
 */
export class LicenseChanges {
  constructor(
    private readonly db: Executor,
    private readonly catalog: CatalogService,
    private readonly scheduling: SchedulingService,
    private readonly lifecycle: LicenseLifecycle,
  ) {}

  async cancel(tx: Executor, ctx: RequestContext, ref: EntityRef, input: CancelLicenseInput): Promise<LicenseView> {
    const row = await this.lock(tx, ctx, ref)
    if (row.status === 'CANCELLED') throw licenseStatusConflict(row.status, 'cancel')
    const now = ctx.clock.now()
    const at = input.scheduledAt ? latest(now, startOfLocalDate(input.scheduledAt, ctx.tenant.timeZone)) : now
    const details = { ...(input.metadata && { metadata: input.metadata }) }
    if (at <= now) {
      const updated = await this.lifecycle.applyStatus(tx, ctx, row, 'cancel', now, {
        reason: input.reason ?? null,
        details,
      })
      return this.lifecycle.publish(tx, ctx, updated, [LICENSE_EVENTS.ended])
    }
    const target = { targetType: LICENSE_TARGET, targetId: row.id }
    await this.scheduling.schedule(tx, ctx, {
      ...target,
      kind: 'cancel',
      effectiveAt: at,
      reason: input.reason ?? null,
      payload: details,
    })
    // A scheduled cancel supersedes every change after it, renewals included.
    await this.scheduling.supersedeAfter(
      tx,
      ctx,
      target,
      at,
      `the license is cancelled before it (on ${at.toISOString()})`,
      ['cancel'],
    )
    return this.lifecycle.publish(tx, ctx, row, [LICENSE_EVENTS.updated])
  }

  async changeOffering(
    tx: Executor,
    ctx: RequestContext,
    ref: EntityRef,
    input: ChangeLicenseOfferingInput,
  ): Promise<LicenseView> {
    const row = await this.lock(tx, ctx, ref)
    if (row.status === 'CANCELLED') throw licenseStatusConflict(row.status, 'change_product_offering')
    const current = await this.catalog.requireOffering(tx, ctx.tenant.id, row.productOfferingId)
    const to = await this.target(tx, ctx, current, input.productOfferingId)
    const now = ctx.clock.now()
    const earliest = input.scheduledAt ? startOfLocalDate(input.scheduledAt, ctx.tenant.timeZone) : undefined
    const { at } = licenseChangeWhen({
      status: row.status,
      anchor: row.billingAnchorAt,
      from: current,
      to,
      now,
      ...(earliest && { earliest }),
      zone: ctx.tenant.timeZone,
    })
    assertNoCancelBy(await this.scheduling.pending(tx, ctx.tenant.id, LICENSE_TARGET, [row.id]), at)
    const changed = await this.lifecycle.changeOfferingAt(tx, ctx, row, {
      from: current,
      to,
      at,
      ...(input.reason && { reason: input.reason }),
      ...(input.metadata && { metadata: input.metadata }),
    })
    return this.lifecycle.publish(tx, ctx, changed, [LICENSE_EVENTS.updated])
  }

  /** AVAILABLE license offerings of the same category and customer type, each with when it would apply. */
  async options(ctx: RequestContext, ref: EntityRef): Promise<ChangeOption[]> {
    const row = await licenses.findLicense(this.db, ctx.tenant.id, ref)
    if (!row) throw new NotFoundError('license', formatEntityRef(ref))
    if (row.status === 'CANCELLED') throw licenseStatusConflict(row.status, 'change_product_offering')
    const current = await this.catalog.requireOffering(this.db, ctx.tenant.id, row.productOfferingId)
    const candidates = await this.catalog.changeCandidates(this.db, ctx.tenant.id, current)
    const now = ctx.clock.now()
    return candidates
      .filter((o) => licenseChangeFits(current, o))
      .map((to) => {
        const { timing, at } = licenseChangeWhen({
          status: row.status,
          anchor: row.billingAnchorAt,
          from: current,
          to,
          now,
          zone: ctx.tenant.timeZone,
        })
        return changeOption(current, to, { timing, at }, ctx.tenant.timeZone)
      })
  }

  /**
   * Withdraws the pending cancel, or the pending offering change. A scheduled activation is not
   * withdrawn (no endpoint would activate the license then): cancel the license instead.
   */
  async withdraw(
    tx: Executor,
    ctx: RequestContext,
    ref: EntityRef,
    field: 'status' | 'productOffering',
  ): Promise<LicenseView> {
    const row = await this.lock(tx, ctx, ref)
    const target = { targetType: LICENSE_TARGET, targetId: row.id }
    const withdrawn = await this.scheduling.withdraw(
      tx,
      ctx,
      target,
      field === 'status' ? ['cancel'] : ['change_product_offering'],
    )
    if (withdrawn.length === 0) {
      if (field === 'status') {
        const activation = (await this.scheduling.pending(tx, ctx.tenant.id, LICENSE_TARGET, [row.id])).find(
          (c) => c.kind === 'activate',
        )
        if (activation) {
          throw new ConflictError(
            'license.activation_pending',
            'A scheduled activation cannot be withdrawn; cancel the license instead (POST /licenses/{licenseId}/cancel).',
            {
              activateAt: activation.effectiveAt.toISOString(),
            },
          )
        }
      }
      const name = field === 'status' ? 'pendingStatus' : 'pendingProductOffering'
      throw new NotFoundError(field === 'status' ? 'pending_status' : 'pending_product_offering', row.id, {
        message: `The license has no ${name} to withdraw.`,
      })
    }
    return this.lifecycle.publish(tx, ctx, row, [LICENSE_EVENTS.updated])
  }

  private async lock(tx: Executor, ctx: RequestContext, ref: EntityRef): Promise<LicenseRow> {
    const row = await licenses.lockLicense(tx, ctx.tenant.id, ref)
    if (!row) throw new NotFoundError('license', formatEntityRef(ref))
    return row
  }

  /** The offering asked for, if the license may move to it. */
  private async target(tx: Executor, ctx: RequestContext, current: Offering, id: string): Promise<Offering> {
    const pointer = '/body/productOfferingId'
    const to = await this.catalog.getOffering(tx, ctx.tenant.id, id)
    if (!to)
      throw new BusinessRuleError(
        'product_offering.not_found',
        `No product offering '${id}'.`,
        { productOfferingId: id },
        [{ path: pointer, message: 'unknown offering' }],
      )
    if (to.status !== 'AVAILABLE')
      throw new BusinessRuleError(
        'product_offering.not_orderable',
        `'${id}' is archived and can no longer be ordered.`,
        { productOfferingId: id },
        [{ path: pointer, message: 'archived' }],
      )
    if (to.id === current.id)
      throw new BusinessRuleError(
        'license.offering_unchanged',
        `The license is already on '${id}'.`,
        { productOfferingId: id },
        [{ path: pointer, message: 'is the current offering' }],
      )
    if (!licenseChangeFits(current, to)) {
      throw new BusinessRuleError(
        'license.offering_incompatible',
        `'${id}' is not an offering this license can change to (see product-offering-options).`,
        {
          productOfferingId: id,
          required: { type: 'LICENSE', category: current.product.category, customerType: current.customerType },
        },
        [{ path: pointer, message: 'not a compatible license offering' }],
      )
    }
    return to
  }
}

/** A pending cancel at or before `at` makes a later change pointless: 409. */
function assertNoCancelBy(pending: ScheduledChange[], at: Date): void {
  const cancel = pending.find((c) => c.kind === 'cancel' && c.effectiveAt <= at)
  if (cancel) {
    throw new ConflictError(
      'license.cancellation_pending',
      `The license is cancelled from ${cancel.effectiveAt.toISOString()}; withdraw the cancellation first (DELETE /licenses/{licenseId}/pending-status).`,
      {
        cancelAt: cancel.effectiveAt.toISOString(),
      },
    )
  }
}

const latest = (a: Date, b: Date): Date => (a > b ? a : b)
