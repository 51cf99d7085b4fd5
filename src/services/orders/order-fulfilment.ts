import type { LineItem, LineItemOf } from '../../domain/orders/inputs.js'
import { inFulfilmentOrder, withoutPasscode } from '../../domain/orders/order.js'
import { subscriptionType } from '../../domain/subscriptions/subscription.js'
import type { Clock } from '../../domain/shared/clock.js'
import { BusinessRuleError, DomainError } from '../../domain/shared/errors.js'
import type { EntityRef } from '../../domain/shared/ids.js'
import { newId, parseEntityRef } from '../../domain/shared/ids.js'
import type { Executor } from '../../persistence/database.js'
import type { OrderRow } from '../../persistence/repositories/order.repository.js'
import * as orders from '../../persistence/repositories/order.repository.js'
import type { AddonChangeService } from '../addons/addon-change.service.js'
import type { AddonService } from '../addons/addon.service.js'
import type { CatalogService } from '../catalog.service.js'
import type { RequestContext } from '../context.js'
import { systemContext } from '../context.js'
import type { PartyService } from '../party.service.js'
import type { PlanChangeService } from '../subscriptions/plan-change.service.js'
import type { SubscriptionService } from '../subscriptions/subscription.service.js'
import type { TenantService } from '../tenant.service.js'
import type { OrderPorts } from './order-ports.js'
import type { OrderService } from './order.service.js'

export interface CreatedEntities {
  customer?: { customerId: string; createdByOrder: true }
  subscriptions: Record<string, unknown>[]
  licenses: Record<string, unknown>[]
  addons: Record<string, unknown>[]
  topups: Record<string, unknown>[]
  changes: Record<string, unknown>[]
  externalItems: Record<string, unknown>[]
}

/** A line item that could not be fulfilled: the order fails, naming it. */
class LineItemFailed extends BusinessRuleError {}

export interface FulfilmentDeps {
  db: Executor
  clock: Clock
  tenants: TenantService
  orders: OrderService
  catalog: CatalogService
  parties: PartyService
  subscriptions: SubscriptionService
  planChanges: PlanChangeService
  addons: AddonService
  addonChanges: AddonChangeService
  ports: OrderPorts
}

/**
 * Fulfils a submitted order in the worker: SUBMITTED → PROCESSING, then every line item through
 * the other areas' services in ONE transaction, so a line item that fails leaves nothing
 * half-made; the order then ends COMPLETED with its created entities, or FAILED naming the line
 * item and why (a FAILED order can be submitted again). A crash or a transient error rolls the
 * transaction back and the job retries; when its last attempt fails too, the order is FAILED
 * (`order.fulfilment_error`).
 */
export class OrderFulfilment {
  constructor(private readonly deps: FulfilmentDeps) {}

  /** `job`: the attempt of the fulfilment job running this, when a job does. */
  async fulfil(tenantId: string, orderId: string, job?: { attempt: number; maxAttempts: number }): Promise<void> {
    const { db, orders: orderService } = this.deps
    const tenant = await this.deps.tenants.getById(tenantId)
    const system = systemContext(tenant, this.deps.clock, 'order-fulfilment')
    const claimed = await db.transaction(async (tx) => {
      const order = await orders.lockOrder(tx, tenantId, orderId)
      if (!order || (order.status !== 'SUBMITTED' && order.status !== 'PROCESSING')) return undefined
      const processing = await orders.updateOrder(tx, tenantId, orderId, {
        status: 'PROCESSING',
        fulfilmentAttempts: order.fulfilmentAttempts + 1,
        updatedAt: system.clock.now(),
      })
      if (order.status === 'SUBMITTED') await orderService.publish(tx, system, processing, ['order.updated'])
      return processing
    })
    if (!claimed) return
    const submitter = claimed.submission?.submittedBy as { type: 'api_key'; id: string; label: string } | undefined
    const ctx: RequestContext = {
      ...system,
      actor: { ...system.actor, ...(submitter && { id: submitter.id, label: submitter.label }) },
      requestId: `order:${orderId}`,
    }
    try {
      await db.transaction(async (tx) => {
        // Another run (a second worker, a job whose lease ran out) may have finished it meanwhile.
        const order = await this.stillProcessing(tx, tenantId, orderId)
        if (!order) return
        const rows = await orders.lineItemsOf(tx, tenantId, [orderId])
        const created = await this.execute(
          tx,
          ctx,
          order,
          rows.map((r) => r.item),
        )
        const now = ctx.clock.now()
        for (const row of rows)
          if (withoutPasscode(row.item) !== row.item)
            await orders.replaceLineItem(tx, { ...row, item: withoutPasscode(row.item), updatedAt: now })
        const done = await orders.updateOrder(tx, tenantId, orderId, {
          status: 'COMPLETED',
          createdEntities: created as unknown as Record<string, unknown>,
          completedAt: now,
          updatedAt: now,
        })
        await orderService.publish(tx, ctx, done, ['order.updated', 'order.completed'])
      })
    } catch (error) {
      if (error instanceof DomainError) {
        await this.fail(ctx, orderId, {
          lineItemId: error.details.lineItemId ?? null,
          code: error.details.cause ?? error.code,
          message: error.message,
          errors: error.fieldErrors,
        })
        return
      }
      // Not the order's fault (a crash, a lost connection): the job retries; after its last attempt the order fails, so it can be submitted again.
      if (job && job.attempt >= job.maxAttempts) {
        await this.fail(ctx, orderId, {
          lineItemId: null,
          code: 'order.fulfilment_error',
          message: `Fulfilment failed ${job.attempt} times on an error that is not the order's; nothing was created. Submit the order again to retry.`,
          errors: [],
        })
      }
      throw error
    }
  }

  /** Expires an order left untouched (the job runs at its `expiresAt`; a later change moved it on). */
  async expire(tenantId: string, orderId: string): Promise<void> {
    const tenant = await this.deps.tenants.getById(tenantId)
    const ctx = systemContext(tenant, this.deps.clock, 'order-expiry')
    await this.deps.db.transaction(async (tx) => {
      const order = await orders.lockOrder(tx, tenantId, orderId)
      if (!order || order.status !== 'PENDING' || order.expiresAt > ctx.clock.now()) return
      const expired = await orders.updateOrder(tx, tenantId, orderId, { status: 'EXPIRED', updatedAt: ctx.clock.now() })
      await this.deps.orders.publish(tx, ctx, expired, ['order.updated'])
    })
  }

  private async execute(
    tx: Executor,
    ctx: RequestContext,
    order: OrderRow,
    items: LineItem[],
  ): Promise<CreatedEntities> {
    const created: CreatedEntities = {
      subscriptions: [],
      licenses: [],
      addons: [],
      topups: [],
      changes: [],
      externalItems: [],
    }
    let userId = order.userId
    if (!userId && order.newUser) {
      userId = (await this.deps.parties.createUser(tx, ctx, order.newUser as never, '/user')).userId
      await orders.updateOrder(tx, ctx.tenant.id, order.id, { userId })
    }
    let customerId = order.customerId
    if (!customerId) {
      if (!order.newCustomer) throw new BusinessRuleError('order.customer_missing', 'The order has no customer.')
      // The order's user signed the new customer up: they get to act for it (ADMIN).
      const input = { ...order.newCustomer, ...(userId && { users: [{ userId, role: 'ADMIN' }] }) }
      const customer = await this.deps.parties.createCustomer(tx, ctx, input as never, '/customer')
      customerId = customer.customerId
      created.customer = { customerId, createdByOrder: true }
      await orders.updateOrder(tx, ctx.tenant.id, order.id, { customerId })
    }
    const subscriptionsByItem = new Map<string, string>()
    for (const item of inFulfilmentOrder(items)) {
      const path = `/lineItems/${item.lineItemId}`
      try {
        await this.executeItem(tx, ctx, { order, customerId, item, path, created, subscriptionsByItem })
      } catch (error) {
        if (!(error instanceof DomainError)) throw error
        throw new LineItemFailed(
          'order.line_item_failed',
          `Line item '${item.lineItemId}' (${item.type}) failed: ${error.message}`,
          { lineItemId: item.lineItemId, cause: error.code },
          error.fieldErrors,
        )
      }
    }
    return created
  }

  private async executeItem(
    tx: Executor,
    ctx: RequestContext,
    step: {
      order: OrderRow
      customerId: string
      item: LineItem
      path: string
      created: CreatedEntities
      subscriptionsByItem: Map<string, string>
    },
  ): Promise<void> {
    const { item, path, created, customerId } = step
    const origin = { orderId: step.order.id, lineItemId: item.lineItemId }
    const subscriptionOf = (ref: { subscriptionId?: string; subscriptionLineItemId?: string }): EntityRef =>
      ref.subscriptionLineItemId
        ? { kind: 'id', id: step.subscriptionsByItem.get(ref.subscriptionLineItemId) as string }
        : parseEntityRef(ref.subscriptionId as string, 'subscriptionId', 'body')
    switch (item.type) {
      case 'SUBSCRIPTION': {
        const view = await this.subscription(tx, ctx, item, customerId, path, origin)
        step.subscriptionsByItem.set(item.lineItemId, view.subscriptionId)
        created.subscriptions.push({
          subscriptionId: view.subscriptionId,
          status: view.status,
          type: view.type,
          display: view.display,
          msisdn: view.msisdn,
          customerId: view.customerId,
          productOfferingId: view.productOfferingId,
          subscriberId: view.subscriberId,
          activatedAt: view.activatedAt,
          createdAt: view.createdAt,
          updatedAt: view.updatedAt,
          createdByLineItem: item.lineItemId,
        })
        return
      }
      case 'LICENSE': {
        const licenses = this.deps.ports.licenses
        const subscriptionId = item.assignedTo ? subscriptionOf(item.assignedTo) : undefined
        const license = await licenses.create(
          tx,
          ctx,
          {
            productOfferingId: item.productOfferingId,
            customerId,
            ...(subscriptionId && {
              assignedTo: {
                type: 'SUBSCRIPTION',
                subscriptionId: subscriptionId.kind === 'id' ? subscriptionId.id : `rid_${subscriptionId.reference}`,
              },
            }),
            ...(item.activationDate && { activationDate: item.activationDate }),
            ...(item.details && { details: item.details }),
            ...(item.referenceId && { referenceId: item.referenceId }),
            metadata: { ...item.metadata, ...origin },
          },
          path,
        )
        created.licenses.push({ licenseId: license.licenseId, createdByLineItem: item.lineItemId })
        return
      }
      case 'ADD_ON': {
        const addon = await this.deps.addons.addIn(tx, ctx, subscriptionOf(item), {
          productOfferingId: item.productOfferingId,
          ...(item.scheduledAt && { scheduledAt: item.scheduledAt }),
          metadata: { ...item.metadata, ...origin },
        })
        created.addons.push({
          subscriptionAddonId: addon.subscriptionAddonId,
          subscriptionId: addon.subscriptionId,
          status: addon.status,
          productOfferingId: addon.productOfferingId,
          createdByLineItem: item.lineItemId,
        })
        return
      }
      case 'TOP_UP': {
        const topup = await this.deps.ports.topups.apply(
          tx,
          ctx,
          item.subscriptionId,
          { productOfferingId: item.productOfferingId, metadata: { ...item.metadata, ...origin } },
          path,
        )
        created.topups.push({
          topupId: topup.topupId,
          subscriptionId: topup.subscriptionId,
          createdByLineItem: item.lineItemId,
        })
        return
      }
      case 'EXTERNAL_PRODUCT':
      case 'EXTERNAL_ITEM':
        // Fulfilled outside Openline (shipped, delivered): recorded for the operator's systems.
        created.externalItems.push({
          lineItemId: item.lineItemId,
          type: item.type,
          ...(item.type === 'EXTERNAL_PRODUCT'
            ? { productOfferingId: item.productOfferingId }
            : { name: item.name, externalReference: item.externalReference ?? null }),
          quantity: item.quantity ?? 1,
        })
        return
      case 'SUBSCRIPTION_CHANGE': {
        const view = await this.deps.planChanges.changeIn(
          tx,
          ctx,
          parseEntityRef(item.subscriptionId, 'subscriptionId', 'body'),
          {
            productOfferingId: item.productOfferingId,
            ...(item.scheduledAt && { scheduledAt: item.scheduledAt }),
            ...(item.reason && { reason: item.reason }),
            metadata: { ...item.metadata, ...origin },
          },
        )
        created.changes.push({
          type: item.type,
          subscriptionId: view.subscriptionId,
          productOfferingId: item.productOfferingId,
          scheduledAt: view.pendingProductOffering?.scheduledAt ?? null,
          createdByLineItem: item.lineItemId,
        })
        return
      }
      case 'ADD_ON_CHANGE': {
        const view = await this.deps.addonChanges.changeIn(
          tx,
          ctx,
          parseEntityRef(item.subscriptionId, 'subscriptionId', 'body'),
          {
            productOfferingId: item.productOfferingId,
            ...(item.subscriptionAddonId && { subscriptionAddonId: item.subscriptionAddonId }),
            ...(item.currentProductOfferingId && { currentProductOfferingId: item.currentProductOfferingId }),
            ...(item.scheduledAt && { scheduledAt: item.scheduledAt }),
            ...(item.reason && { reason: item.reason }),
            metadata: { ...item.metadata, ...origin },
          },
        )
        created.changes.push({
          type: item.type,
          subscriptionId: view.subscriptionId,
          productOfferingId: item.productOfferingId,
          createdByLineItem: item.lineItemId,
        })
        return
      }
      case 'LICENSE_CHANGE': {
        const license = await this.deps.ports.licenses.change(
          tx,
          ctx,
          item.licenseId,
          {
            productOfferingId: item.productOfferingId,
            ...(item.scheduledAt && { scheduledAt: item.scheduledAt }),
            metadata: { ...item.metadata, ...origin },
          },
          path,
        )
        created.changes.push({
          type: item.type,
          licenseId: license.licenseId,
          productOfferingId: item.productOfferingId,
          createdByLineItem: item.lineItemId,
        })
        return
      }
    }
  }

  /** A new subscription: its number (leased, from the pool, or ported in), its SIM, then the subscription itself. */
  private async subscription(
    tx: Executor,
    ctx: RequestContext,
    item: LineItemOf<'SUBSCRIPTION'>,
    customerId: string,
    path: string,
    origin: Record<string, string>,
  ) {
    const { inventory, porting } = this.deps.ports
    const id = newId()
    const offering = await this.deps.catalog.requireOffering(tx, ctx.tenant.id, item.productOfferingId)
    let msisdn: string | null = null
    if (item.porting) {
      const details = item.porting
      // With a temporary number the line works at once; without one it waits for the port.
      if (item.tempNumber)
        msisdn = await inventory.assignFromPool(tx, ctx, {
          type: subscriptionType(offering.product.category),
          subscriptionId: id,
        })
      const sim = await this.sim(tx, ctx, item, path)
      // The port-in first, so the subscription's first snapshot (subscription.created) shows it.
      await porting.start(tx, ctx, {
        subscriptionId: id,
        msisdn: item.msisdn as string,
        details,
        temporaryMsisdn: msisdn,
      })
      return this.createSubscription(tx, ctx, item, customerId, path, origin, id, msisdn, sim, !msisdn)
    }
    if (item.msisdn && item.leaseToken) {
      await inventory.assignLeased(tx, ctx, {
        msisdn: item.msisdn,
        leaseToken: item.leaseToken,
        subscriptionId: id,
      })
      msisdn = item.msisdn
    } else
      msisdn = await inventory.assignFromPool(tx, ctx, {
        type: subscriptionType(offering.product.category),
        subscriptionId: id,
      })
    return this.createSubscription(
      tx,
      ctx,
      item,
      customerId,
      path,
      origin,
      id,
      msisdn,
      await this.sim(tx, ctx, item, path),
    )
  }

  private async sim(
    tx: Executor,
    ctx: RequestContext,
    item: LineItemOf<'SUBSCRIPTION'>,
    path: string,
  ): Promise<{ esim: boolean; iccid?: string }> {
    const wanted = item.sim ?? { esim: false }
    const inventory = this.deps.ports.inventory
    if (!wanted.esim && !wanted.iccid) return { esim: wanted.esim }
    const sim = await inventory.reserveSim(
      tx,
      ctx,
      wanted.iccid ? { iccid: wanted.iccid, esim: wanted.esim } : { esim: true },
      `${path}/sim`,
    )
    return { esim: wanted.esim, iccid: sim.iccid }
  }

  private async createSubscription(
    tx: Executor,
    ctx: RequestContext,
    item: LineItemOf<'SUBSCRIPTION'>,
    customerId: string,
    path: string,
    origin: Record<string, string>,
    id: string,
    msisdn: string | null,
    sim: { esim: boolean; iccid?: string },
    awaitActivation = false,
  ) {
    const subscriber = item.subscriber?.subscriberId
      ? { subscriberId: item.subscriber.subscriberId }
      : item.subscriber?.name
        ? {
            subscriber: {
              name: item.subscriber.name,
              ...(item.subscriber.email && { email: item.subscriber.email }),
              ...(item.subscriber.address && { address: item.subscriber.address }),
            },
          }
        : {}
    const view = await this.deps.subscriptions.createIn(
      tx,
      ctx,
      {
        id,
        productOfferingId: item.productOfferingId,
        customerId,
        ...subscriber,
        ...(msisdn && { msisdn }),
        ...(item.display && { display: item.display }),
        sim,
        ...(item.extensions && { extensions: item.extensions }),
        ...(item.scheduleActivationAt && { scheduleActivationAt: item.scheduleActivationAt }),
        ...(item.referenceId && { referenceId: item.referenceId }),
        ...(awaitActivation && { awaitActivation }),
        metadata: { ...item.metadata, ...origin },
      },
      path,
    )
    if (sim.iccid) await this.deps.ports.inventory.consumeSim(tx, ctx, sim.iccid, id)
    return view
  }

  /** Marks the order FAILED, if this run still holds it PROCESSING. */
  private async fail(
    ctx: RequestContext,
    orderId: string,
    failure: { lineItemId: unknown; code: unknown; message: string; errors: unknown[] },
  ): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      if (!(await this.stillProcessing(tx, ctx.tenant.id, orderId))) return
      const now = ctx.clock.now()
      const failed = await orders.updateOrder(tx, ctx.tenant.id, orderId, {
        status: 'FAILED',
        failure: { ...failure, failedAt: now.toISOString() },
        updatedAt: now,
      })
      await this.deps.orders.publish(tx, ctx, failed, ['order.updated', 'order.failed'])
    })
  }

  /** The order, locked, if it is still PROCESSING: only then may this run complete or fail it. */
  private async stillProcessing(tx: Executor, tenantId: string, orderId: string): Promise<OrderRow | undefined> {
    const order = await orders.lockOrder(tx, tenantId, orderId)
    return order?.status === 'PROCESSING' ? order : undefined
  }
}
