import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { previewThenApply } from '../../helpers/dry-run.js'
import { lease } from '../../helpers/inventory.js'
import { PREMIUM, SUITE } from '../../helpers/licenses.js'
import { usDetails } from '../../helpers/porting.js'
import type { OrderWorld } from '../../helpers/orders.js'
import type { Ids } from '../../helpers/route-table.js'
import { documentOperations, tenantFixtures } from '../../helpers/route-table.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

/**
 * Every operation the OpenAPI document marks as previewable (a `Prefer` header), each on a fresh
 * tenant with one resource of every kind: the dry-run answers what the real call that follows it
 * answers, status and body, and changes nothing, while the real call (with the same idempotency
 * key, so the dry-run did not consume it) does change the database when it succeeds.
 */

type Body = Record<string, unknown>
interface Case {
  body?: (ids: Ids, world: OrderWorld) => Body | Promise<Body>
  /** What the real call answers on the fixtures: a refusal is previewed as the same refusal. */
  status: number
  /** Tables the real call must change (what the dry-run therefore must not). */
  touches?: string[]
}

const reason = { reason: 'dry-run sweep' }
const CASES: Record<string, Case> = {
  createSubscription: {
    // A leased number and an eSIM of the tenant's stock, and a subscriber created with the line.
    body: async (ids, world) => {
      const leased = await lease(t, world.tenant, ['CELL'], 1)
      return {
        productOfferingId: 'mobile-plan-plus',
        customerId: ids.customerId,
        subscriber: { name: 'Dry Run' },
        msisdn: leased.numbers[0].msisdn,
        leaseToken: leased.leaseToken,
        sim: { esim: true, iccid: world.stock.iccids[1] },
      }
    },
    status: 201,
    // The fixtures' webhook endpoint receives the event.
    touches: ['subscription', 'subscriber', 'event', 'webhook_delivery', 'phone_number', 'sim', 'idempotency_key'],
  },
  cancelSubscription: { body: () => ({ schedule: 'CancelNow', reason: 'NO_NEED' }), status: 200 },
  // The fixture's subscription is ACTIVE: activating and unblocking it, or resuming it, are refused.
  activateSubscription: { body: () => reason, status: 409 },
  blockSubscription: { body: () => reason, status: 200 },
  unblockSubscription: { body: () => reason, status: 409 },
  pauseSubscription: { body: () => reason, status: 200 },
  resumeSubscription: { body: () => reason, status: 409 },
  withdrawPendingStatus: { status: 404 },
  withdrawPendingProductOffering: { status: 404 },
  changeSubscriptionProductOffering: { body: () => ({ productOfferingId: 'mobile-plan-max' }), status: 200 },
  updateSubscriptionPortingDetails: { body: () => ({ details: usDetails() }), status: 404 },
  addSubscriptionAddon: { body: () => ({ productOfferingId: 'addon-roaming-eu-7d' }), status: 201 },
  changeSubscriptionAddonProductOffering: {
    body: (ids) => ({ productOfferingId: 'addon-data-5gb', subscriptionAddonId: ids.subscriptionAddonId }),
    status: 200,
  },
  cancelSubscriptionAddon: { body: (ids) => ({ subscriptionAddonId: ids.subscriptionAddonId }), status: 200 },
  createOrder: {
    body: (ids) => ({
      customer: { customerId: ids.customerId },
      user: { userId: ids.userId },
      lineItems: [
        { type: 'TOP_UP', productOfferingId: 'topup-data-2gb', subscriptionId: ids.subscriptionId },
        { type: 'LICENSE_CHANGE', licenseId: ids.licenseId, productOfferingId: PREMIUM },
      ],
    }),
    status: 201,
  },
  updateOrder: { body: (ids) => ({ user: { userId: ids.userId } }), status: 200 },
  cancelOrder: { status: 200 },
  addOrderLineItem: {
    body: (ids) => ({ type: 'TOP_UP', productOfferingId: 'topup-data-2gb', subscriptionId: ids.subscriptionId }),
    status: 201,
  },
  replaceOrderLineItem: {
    body: (ids) => ({ type: 'LICENSE_CHANGE', licenseId: ids.licenseId, productOfferingId: PREMIUM }),
    status: 200,
  },
  removeOrderLineItem: { status: 204 },
  calculateOrderPrice: { status: 200 },
  // Fulfilment is a job, which the dry-run must not leave behind.
  submitOrder: { body: () => ({}), status: 200, touches: ['sales_order', 'job', 'event', 'webhook_delivery'] },
  applyTopup: { body: () => ({ productOfferingId: 'topup-data-2gb' }), status: 201 },
  createLicense: {
    body: (ids) => ({
      productOfferingId: SUITE,
      customerId: ids.customerId,
      assignedTo: { type: 'SUBSCRIPTION', subscriptionId: ids.subscriptionId },
    }),
    status: 201,
  },
  cancelLicense: { body: () => reason, status: 200 },
  changeLicenseProductOffering: { body: () => ({ productOfferingId: PREMIUM }), status: 200 },
  withdrawLicensePendingStatus: { status: 404 },
  withdrawLicensePendingProductOffering: { status: 404 },
  retrySubscriptionAddonProvisioning: { status: 409 },
  addOrgSubscriptionAddOn: { body: () => ({ catalogue_add_on_id: 'addon-roaming-eu-7d' }), status: 201 },
  deactivateOrgSubscriptionAddOn: { body: () => ({ reason: 'SUBSCRIBER_RESIGNATION' }), status: 202 },
}

const document = JSON.parse(readFileSync(new URL('../../../openapi/openapi.json', import.meta.url), 'utf8')) as {
  paths: Record<string, Record<string, { operationId?: string; parameters?: { in: string; name: string }[] }>>
}
const withPrefer = new Set(
  Object.values(document.paths).flatMap((methods) =>
    Object.values(methods)
      .filter((op) => op.parameters?.some((p) => p.in === 'header' && p.name === 'prefer'))
      .map((op) => op.operationId),
  ),
)
const previewable = documentOperations().filter((op) => withPrefer.has(op.operationId))

let t: TestApp

beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

describe('Prefer: dry-run on every previewable operation', () => {
  it('covers every write of subscriptions, add-ons, top-ups, licenses and orders, V2 add-ons included', () => {
    expect(previewable.map((op) => op.operationId).sort()).toEqual(Object.keys(CASES).sort())
  })

  for (const op of previewable) {
    it(`${op.operationId} (${op.method} ${op.path})`, async () => {
      const spec = CASES[op.operationId]
      if (!spec) throw new Error(`No case for ${op.operationId}`)
      const { world, ids } = await tenantFixtures(t)
      const url = op.path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name as keyof Ids])
      const v2 = op.path.startsWith('/v2/')
      const { real, changed } = await previewThenApply(t, world.tenant, {
        method: op.method,
        url,
        ...(!v2 && { headers: { 'x-idempotency-key': randomUUID() } }),
        ...(spec.body && { payload: await spec.body(ids, world) }),
      })
      expect(real.statusCode, real.body).toBe(spec.status)
      // A success changes the database (so "the dry-run changed nothing" proves something); a
      // refusal only stores its answer under the idempotency key.
      if (spec.status < 300) expect(changed.filter((name) => name !== 'idempotency_key')).not.toEqual([])
      else expect(changed).toEqual(v2 ? [] : ['idempotency_key'])
      expect(changed, JSON.stringify(changed)).toEqual(expect.arrayContaining(spec.touches ?? []))
    })
  }
})
