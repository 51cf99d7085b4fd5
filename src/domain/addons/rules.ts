import type { Offering } from '../catalog/offering.js'
import { addonFits, isTopUp } from '../catalog/offering.js'
import type { CodeWithStatus } from '../shared/error-codes.js'
import type { Refusal, Verdict } from '../shared/refusal.js'
import { OK } from '../shared/refusal.js'
import type { SubscriptionStatus } from '../subscriptions/status.js'

/**
 * Whether an add-on may be added, changed or cancelled, from plain data the services load: the
 * offering asked for, the subscription's status, plan and pending changes, and the add-ons already
 * attached. Each check answers OK or the refusal the API returns, in the order the API checks them.
 */

/** An add-on attached to the subscription (PENDING or ACTIVE), as far as the limits care. */
export interface AttachedAddon {
  id: string
  productOfferingId: string
}

export interface SubscriptionFacts {
  id: string
  status: SubscriptionStatus
}

/** Whether the subscription already holds as many of `offering` as it may (`except` one add-on being changed). */
export const atLimit = (
  offering: Pick<Offering, 'id' | 'maxPerSubscription'>,
  attached: readonly AttachedAddon[],
  except?: string,
): boolean =>
  offering.maxPerSubscription !== null &&
  attached.filter((a) => a.productOfferingId === offering.id && a.id !== except).length >= offering.maxPerSubscription

/** The offering named in the body does not exist (for this tenant): a 422 at /body/productOfferingId. */
export const unknownOffering = (id: string): Refusal => ({
  ok: false,
  code: 'product_offering.not_found',
  status: 422,
  message: `No product offering '${id}'.`,
  details: { productOfferingId: id },
  fieldErrors: [{ path: '/body/productOfferingId', message: 'unknown offering' }],
})

/** A change or cancel must say which add-on it means. */
export function checkNamed(by: {
  subscriptionAddonId?: string
  productOfferingId?: string
  groupId?: string | null
}): Verdict {
  if (by.subscriptionAddonId || by.productOfferingId || by.groupId) return OK
  return {
    ok: false,
    code: 'addon.not_named',
    status: 422,
    message: 'Name the add-on: subscriptionAddonId, or the productOfferingId it is on.',
    details: {},
    fieldErrors: [{ path: '/body/subscriptionAddonId', message: 'is required without productOfferingId' }],
  }
}

/** A cancelled subscription takes no add-on, and its add-ons do not change. */
export function checkSubscriptionOpen(subscription: SubscriptionFacts, purpose: 'add' | 'change'): Verdict {
  if (subscription.status !== 'CANCELLED') return OK
  return {
    ok: false,
    code: 'addon.subscription_cancelled',
    status: 422,
    message:
      purpose === 'add'
        ? 'The subscription is cancelled; it takes no add-ons.'
        : 'The subscription is cancelled; its add-ons cannot change.',
    details: { subscriptionId: subscription.id },
  }
}

/** An add-on (or a change of one) applying at `at` needs a subscription that is open and not cancelled by then. */
export function checkSubscriptionTakes(
  subscription: SubscriptionFacts,
  pending: readonly { kind: string; effectiveAt: Date }[],
  at: Date,
): Verdict {
  const open = checkSubscriptionOpen(subscription, 'add')
  if (!open.ok) return open
  const cancel = pending.find((c) => c.kind === 'cancel' && c.effectiveAt <= at)
  if (!cancel) return OK
  return {
    ok: false,
    code: 'addon.subscription_cancellation_pending',
    status: 422,
    message: `The subscription is cancelled from ${cancel.effectiveAt.toISOString()}, before the add-on would apply.`,
    details: { subscriptionId: subscription.id, cancelAt: cancel.effectiveAt.toISOString() },
  }
}

/** Whether `offering` (undefined: no such offering) may be added to a subscription on `plan` holding `attached`. */
export function checkAdd(request: {
  productOfferingId: string
  offering: Offering | undefined
  plan: Offering
  attached: readonly AttachedAddon[]
}): Verdict {
  const { productOfferingId: id, offering, plan, attached } = request
  if (!offering) return unknownOffering(id)
  if (offering.product.type !== 'SUBSCRIPTION_ADDON' || isTopUp(offering)) {
    return refuse(
      'addon.offering_not_an_addon',
      `'${id}' is not an add-on offering${isTopUp(offering) ? ' (it is a top-up: POST /subscriptions/{id}/topups)' : ''}.`,
      { productOfferingId: id, type: offering.product.type },
    )
  }
  if (offering.status !== 'AVAILABLE')
    return refuse('addon.offering_archived', `'${id}' is archived and can no longer be added.`, {
      productOfferingId: id,
    })
  if (!addonFits(offering, plan))
    return refuse('addon.incompatible_with_plan', `'${id}' does not fit the plan '${plan.id}'.`, {
      productOfferingId: id,
      plan: plan.id,
    })
  if (atLimit(offering, attached))
    return refuse(
      'addon.limit_reached',
      `The subscription already holds ${offering.maxPerSubscription} of '${id}', the most it may.`,
      { productOfferingId: id, maxPerSubscription: offering.maxPerSubscription },
    )
  return OK
}

/** Whether the add-on `addonId` on `current` may move to `to`: another available add-on of its group that fits the plan. */
export function checkChange(change: {
  addonId: string
  current: Offering
  to: Offering
  plan: Offering
  attached: readonly AttachedAddon[]
}): Verdict {
  const { addonId, current, to, plan, attached } = change
  const id = to.id
  if (to.id === current.id)
    return refuse('addon.offering_unchanged', `The add-on is already on '${id}'.`, { productOfferingId: id })
  if (to.product.type !== 'SUBSCRIPTION_ADDON' || isTopUp(to))
    return refuse('addon.offering_not_an_addon', `'${id}' is not an add-on offering.`, { productOfferingId: id })
  if (to.status !== 'AVAILABLE')
    return refuse('addon.offering_archived', `'${id}' is archived and can no longer be chosen.`, {
      productOfferingId: id,
    })
  if (!current.groupId || to.groupId !== current.groupId) {
    return refuse(
      'addon.change_incompatible',
      `An add-on changes within its group ('${current.groupId ?? 'none'}'); '${id}' is in '${to.groupId ?? 'none'}'.`,
      { productOfferingId: id, group: current.groupId },
    )
  }
  if (!addonFits(to, plan))
    return refuse('addon.incompatible_with_plan', `'${id}' does not fit the plan '${plan.id}'.`, {
      productOfferingId: id,
      plan: plan.id,
    })
  if (atLimit(to, attached, addonId))
    return refuse('addon.limit_reached', `The subscription already holds ${to.maxPerSubscription} of '${id}'.`, {
      productOfferingId: id,
    })
  return OK
}

const refuse = (code: CodeWithStatus<422>, message: string, details: Record<string, unknown>): Refusal => ({
  ok: false,
  code,
  status: 422,
  message,
  details,
})
