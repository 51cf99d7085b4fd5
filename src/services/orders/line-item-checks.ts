import type { Offering, ProductType } from '../../domain/catalog/offering.js'
import { addonFits, isTopUp } from '../../domain/catalog/offering.js'
import { ATTACHED } from '../../domain/addons/addon.js'
import { DomainError } from '../../domain/shared/errors.js'
import { isUuid, parseEntityRef, REFERENCE_PREFIX } from '../../domain/shared/ids.js'
import type { LineItem, LineItemOf } from '../../domain/orders/inputs.js'
import { isCurrency, toMinor } from '../../domain/shared/money.js'
import type { Executor } from '../../persistence/database.js'
import * as addons from '../../persistence/repositories/addon.repository.js'
import type { SubscriptionRow } from '../../persistence/repositories/subscription.repository.js'
import type { CatalogService } from '../catalog.service.js'
import type { RequestContext } from '../context.js'
import type { PartyService } from '../party.service.js'
import type { SubscriptionService } from '../subscriptions/subscription.service.js'
import type { OrderPorts } from './order-ports.js'

export interface Problem {
  message: string
  property: string
}

/** What one line item lacks (dotted paths, e.g. `subscriber.name`) and what is wrong with it. */
export interface ItemCheck {
  missing: string[]
  errors: Problem[]
}

export interface CheckScope {
  ex: Executor
  ctx: RequestContext
  /** The order's customer, when it is an existing one. */
  customerId: string | null
  items: readonly LineItem[]
}

/**
 * The rules of each line item type: what a complete item needs, and whether what it references
 * exists, can be ordered, and belongs to the order's customer. Run when an item is added (errors
 * refuse it) and whenever the order is read (its `validation` is always current).
 */
export class LineItemChecks {
  constructor(
    private readonly catalog: CatalogService,
    private readonly subscriptions: SubscriptionService,
    private readonly ports: OrderPorts,
    private readonly parties: PartyService,
  ) {}

  async check(scope: CheckScope, item: LineItem): Promise<ItemCheck> {
    const result: ItemCheck = { missing: [], errors: [] }
    const error = (property: string, message: string) => result.errors.push({ property, message })
    try {
      switch (item.type) {
        case 'SUBSCRIPTION':
          await this.subscription(scope, item, result, error)
          break
        case 'LICENSE':
          await this.offering(scope, item.productOfferingId, 'LICENSE', error)
          if (item.assignedTo) await this.subscriptionRef(scope, item.assignedTo, 'assignedTo', error)
          break
        case 'ADD_ON':
          await this.addon(scope, item, error)
          break
        case 'TOP_UP': {
          const offering = await this.offering(scope, item.productOfferingId, 'SUBSCRIPTION_ADDON', error)
          if (offering && !isTopUp(offering)) error('productOfferingId', `'${offering.id}' is not a top-up.`)
          const target = await this.existingSubscription(scope, item.subscriptionId, 'subscriptionId', error)
          if (target && target.status !== 'ACTIVATED')
            error('subscriptionId', `Only an ACTIVATED subscription can be topped up (it is ${target.status}).`)
          break
        }
        case 'EXTERNAL_PRODUCT':
          await this.offering(scope, item.productOfferingId, 'EXTERNAL_PRODUCT', error)
          break
        case 'EXTERNAL_ITEM':
          if (!isCurrency(item.currency)) error('currency', `'${item.currency}' is not an ISO 4217 currency code.`)
          else
            try {
              toMinor(item.amount, item.currency)
            } catch (e) {
              if (!(e instanceof DomainError)) throw e
              error('amount', e.message)
            }
          break
        case 'SUBSCRIPTION_CHANGE':
          await this.subscriptionChange(scope, item, error)
          break
        case 'LICENSE_CHANGE':
          await this.offering(scope, item.productOfferingId, 'LICENSE', error)
          {
            const license = await this.ports.licenses.find(scope.ex, scope.ctx.tenant.id, item.licenseId)
            if (license === undefined) error('licenseId', `No license '${item.licenseId}'.`)
            else if (scope.customerId && license.customerId !== scope.customerId)
              error('licenseId', 'The license belongs to another customer.')
            else if (license.productOfferingId === item.productOfferingId)
              error('productOfferingId', `The license is already on '${item.productOfferingId}'.`)
          }
          break
        case 'ADD_ON_CHANGE':
          await this.addonChange(scope, item, error)
          break
      }
    } catch (e) {
      if (!(e instanceof DomainError)) throw e
      error('type', e.message)
    }
    return result
  }

  private async subscription(
    scope: CheckScope,
    item: LineItemOf<'SUBSCRIPTION'>,
    result: ItemCheck,
    error: (p: string, m: string) => void,
  ): Promise<void> {
    await this.offering(scope, item.productOfferingId, 'SUBSCRIPTION', error)
    if (!item.subscriber?.subscriberId && !item.subscriber?.name)
      result.missing.push(item.subscriber ? 'subscriber.name' : 'subscriber')
    if (!item.sim) result.missing.push('sim')
    const { inventory, porting } = this.ports
    if (item.porting) {
      if (!item.msisdn) result.missing.push('msisdn')
      const checked = await porting.check(scope.ex, scope.ctx, { msisdn: item.msisdn, details: item.porting })
      result.missing.push(...checked.missing)
      for (const problem of checked.errors) error(problem.property, problem.message)
    } else {
      if (item.tempNumber)
        error('tempNumber', 'A temporary number is only for a port-in (send porting details with the number).')
      if (item.msisdn && item.leaseToken) {
        await this.expectFine(
          () => inventory.assertLeased(scope.ex, scope.ctx, item.msisdn as string, item.leaseToken as string),
          'leaseToken',
          error,
        )
      } else if (item.msisdn && (await inventory.isPoolNumber(scope.ex, scope.ctx.tenant.id, item.msisdn))) {
        error('leaseToken', 'This number is in the number pool: lease it first and send its leaseToken.')
      } else if (item.msisdn) {
        error(
          'msisdn',
          'The number is not in the number pool: lease one, leave msisdn empty to get one, or port it in with porting details.',
        )
      }
    }
    if (item.sim?.iccid)
      await this.expectFine(
        () => inventory.assertSimAvailable(scope.ex, scope.ctx, item.sim?.iccid as string, undefined, item.sim?.esim),
        'sim.iccid',
        error,
      )
    const subscriberId = item.subscriber?.subscriberId
    if (subscriberId) {
      // An existing subscriber must be the order's customer's (the subscriptions area checks it again at fulfilment).
      const subscriber = await this.parties
        .requireSubscriber(scope.ex, scope.ctx.tenant.id, subscriberId)
        .catch(() => undefined)
      if (!subscriber) error('subscriber.subscriberId', `No subscriber '${subscriberId}'.`)
      else if (!scope.customerId)
        error(
          'subscriber.subscriberId',
          "The order has no existing customer: an existing subscriber must be the order's customer's.",
        )
      else if (subscriber.customerId !== scope.customerId)
        error('subscriber.subscriberId', 'The subscriber belongs to another customer.')
    }
    // One number and one SIM card per line: another SUBSCRIPTION item of the order must not use them too.
    const others = scope.items.filter(
      (i): i is LineItemOf<'SUBSCRIPTION'> => i.type === 'SUBSCRIPTION' && i.lineItemId !== item.lineItemId,
    )
    const sharing = (same: (other: LineItemOf<'SUBSCRIPTION'>) => boolean) => others.find(same)?.lineItemId
    const numberTwice = item.msisdn ? sharing((o) => o.msisdn === item.msisdn) : undefined
    if (numberTwice) error('msisdn', `Line item '${numberTwice}' of this order uses ${item.msisdn} too.`)
    const simTwice = item.sim?.iccid ? sharing((o) => o.sim?.iccid === item.sim?.iccid) : undefined
    if (simTwice) error('sim.iccid', `Line item '${simTwice}' of this order uses this SIM too.`)
  }

  private async addon(
    scope: CheckScope,
    item: LineItemOf<'ADD_ON'>,
    error: (p: string, m: string) => void,
  ): Promise<void> {
    const offering = await this.offering(scope, item.productOfferingId, 'SUBSCRIPTION_ADDON', error)
    if (offering && isTopUp(offering))
      error('productOfferingId', `'${offering.id}' is a top-up: order it as a TOP_UP line item.`)
    const plan = await this.subscriptionRef(scope, item, '', error)
    if (offering && plan && !addonFits(offering, plan))
      error('productOfferingId', `'${offering.id}' does not fit the plan '${plan.id}'.`)
  }

  private async subscriptionChange(
    scope: CheckScope,
    item: LineItemOf<'SUBSCRIPTION_CHANGE'>,
    error: (p: string, m: string) => void,
  ): Promise<void> {
    const to = await this.offering(scope, item.productOfferingId, 'SUBSCRIPTION', error)
    const subscription = await this.existingSubscription(scope, item.subscriptionId, 'subscriptionId', error)
    if (!subscription || !to) return
    if (subscription.status === 'CANCELLED') error('subscriptionId', 'The subscription is cancelled.')
    const current = await this.catalog.requireOffering(scope.ex, scope.ctx.tenant.id, subscription.productOfferingId)
    if (current.id === to.id) error('productOfferingId', `The subscription is already on '${to.id}'.`)
    else if (current.product.category !== to.product.category || current.customerType !== to.customerType)
      error('productOfferingId', `'${to.id}' is not a plan this subscription can change to.`)
  }

  private async addonChange(
    scope: CheckScope,
    item: LineItemOf<'ADD_ON_CHANGE'>,
    error: (p: string, m: string) => void,
  ): Promise<void> {
    const to = await this.offering(scope, item.productOfferingId, 'SUBSCRIPTION_ADDON', error)
    const subscription = await this.existingSubscription(scope, item.subscriptionId, 'subscriptionId', error)
    if (!subscription || !to) return
    const attached = await addons.addonsOfSubscription(scope.ex, scope.ctx.tenant.id, subscription.id, ATTACHED)
    const candidates = item.subscriptionAddonId
      ? attached.filter((a) => a.id === item.subscriptionAddonId)
      : item.currentProductOfferingId
        ? attached.filter((a) => a.productOfferingId === item.currentProductOfferingId)
        : attached
    const selector = item.subscriptionAddonId ? 'subscriptionAddonId' : 'currentProductOfferingId'
    if (candidates.length === 0) return error(selector, 'No attached add-on of the subscription matches.')
    if (candidates.length > 1)
      return error(
        selector,
        `The subscription has ${candidates.length} such add-ons attached: name one with subscriptionAddonId.`,
      )
    if (candidates[0]?.productOfferingId === to.id) error('productOfferingId', `The add-on is already on '${to.id}'.`)
  }

  /** The offering, if it exists, is AVAILABLE and of the type the item needs; else an error on `productOfferingId`. */
  private async offering(
    scope: CheckScope,
    id: string,
    type: ProductType,
    error: (p: string, m: string) => void,
  ): Promise<Offering | undefined> {
    const offering = await this.catalog.getOffering(scope.ex, scope.ctx.tenant.id, id)
    if (!offering) return void error('productOfferingId', `No product offering '${id}'.`)
    if (offering.product.type !== type)
      return void error(
        'productOfferingId',
        `'${id}' is a ${offering.product.type} offering; this line item needs ${type}.`,
      )
    if (offering.status !== 'AVAILABLE')
      return void error('productOfferingId', `'${id}' is archived and can no longer be ordered.`)
    return offering
  }

  /** The plan of the subscription an item attaches to: an existing one, or the SUBSCRIPTION item of this order. */
  private async subscriptionRef(
    scope: CheckScope,
    ref: { subscriptionId?: string; subscriptionLineItemId?: string },
    prefix: string,
    error: (p: string, m: string) => void,
  ): Promise<Offering | undefined> {
    const at = (field: string) => (prefix ? `${prefix}.${field}` : field)
    if (ref.subscriptionId && ref.subscriptionLineItemId)
      return void error(at('subscriptionId'), 'Send subscriptionId or subscriptionLineItemId, not both.')
    if (ref.subscriptionLineItemId) {
      const sibling = scope.items.find((i) => i.lineItemId === ref.subscriptionLineItemId)
      if (!sibling || sibling.type !== 'SUBSCRIPTION')
        return void error(
          at('subscriptionLineItemId'),
          `No SUBSCRIPTION line item '${ref.subscriptionLineItemId}' in this order.`,
        )
      return this.catalog.getOffering(scope.ex, scope.ctx.tenant.id, sibling.productOfferingId)
    }
    if (!ref.subscriptionId)
      return void error(
        at('subscriptionId'),
        'Name the subscription: subscriptionId, or subscriptionLineItemId for one this order creates.',
      )
    const subscription = await this.existingSubscription(scope, ref.subscriptionId, at('subscriptionId'), error)
    if (!subscription) return undefined
    if (subscription.status === 'CANCELLED') return void error(at('subscriptionId'), 'The subscription is cancelled.')
    return this.catalog.getOffering(scope.ex, scope.ctx.tenant.id, subscription.productOfferingId)
  }

  /** An existing subscription of the order's customer. */
  private async existingSubscription(
    scope: CheckScope,
    id: string,
    property: string,
    error: (p: string, m: string) => void,
  ): Promise<SubscriptionRow | undefined> {
    if (!isUuid(id) && !id.startsWith(REFERENCE_PREFIX))
      return void error(property, `'${id}' is neither a UUID nor rid_<reference>.`)
    const row = await this.subscriptions
      .require(scope.ex, scope.ctx, parseEntityRef(id, property, 'body'))
      .catch(() => undefined)
    if (!row) return void error(property, `No subscription '${id}'.`)
    if (!scope.customerId)
      return void error(
        property,
        "The order has no existing customer: only a customer's own subscriptions can be changed.",
      )
    if (row.customerId !== scope.customerId)
      return void error(property, 'The subscription belongs to another customer.')
    return row
  }

  private async expectFine(
    check: () => Promise<void>,
    property: string,
    error: (p: string, m: string) => void,
  ): Promise<void> {
    try {
      await check()
    } catch (e) {
      if (!(e instanceof DomainError)) throw e
      error(property, e.message)
    }
  }
}
