import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { groupBody, offeringBody, promotionBody } from '../helpers/catalog.js'
import { makeApiKey } from '../helpers/factories.js'
import { PREMIUM, SUITE } from '../helpers/licenses.js'
import { usDetails } from '../helpers/porting.js'
import type { Fixtures, Ids, Operation } from '../helpers/route-table.js'
import { documentOperations, rowCounts, tenantFixtures } from '../helpers/route-table.js'
import type { TestApp } from '../helpers/test-app.js'
import { createTestApp } from '../helpers/test-app.js'
import { V2_SECRET, orgBearer } from '../helpers/v2.js'

/**
 * Tenancy and access from the route table: every operation in `openapi/openapi.json` answers 401
 * with no key and with a revoked one, 403 to a read-only key on a write, and 404 to another tenant's
 * ids in its path (each id in turn) and in its body, never with the other tenant's data and with
 * nothing written. Operations the table does not know fail the test, so none is skipped silently.
 */

type Body = Record<string, unknown>
interface Case {
  body?: (ids: Ids) => Body
  /** The query string, from the same ids as the body. */
  query?: (ids: Ids) => string
  /** A read that records an event by design (each issue of an eSIM code is audited). */
  audited?: true
  /** The ids the body or query names (as `ids.<name>`): each one from the other tenant must be refused. */
  bodyIds?: (keyof Ids)[]
  /** A path id whose not-found code is the link's, not the resource's (as for a user of this tenant not linked). */
  notFound?: Partial<Record<keyof Ids, string>>
  /** The documented answer for an id the caller's tenant does not have, when it is not a 404. */
  absent?: (res: LightMyRequestResponse, id: string) => void
}

/** Public by design: they carry no tenant data and need no credentials. */
const PUBLIC: Record<string, string> = {
  getHealth: 'liveness probe, no credentials by design',
  getReadiness: 'readiness probe, no credentials by design',
}

const reason = { reason: 'route-table sweep' }
/** A request body each write would accept from its owner, built from that tenant's ids. */
const CASES: Record<string, Case> = {
  listApiKeys: {},
  createApiKey: { body: () => ({ label: 'sweep' }) },
  getApiKey: {},
  revokeApiKey: {},
  // Keys are the client's own strings: one this tenant never sent is 'unknown', whoever else sent it.
  getIdempotencyKey: {
    absent: (res, key) => {
      expect(res.statusCode).toBe(200)
      expect(res.json()).toEqual({ key, state: 'unknown' })
    },
  },
  listEvents: {},
  getEvent: {},
  getTenant: {},
  updateTenant: { body: () => ({ timeZone: 'UTC' }) },
  getTestClock: {},
  advanceTestClock: { body: () => ({ by: 'P1D' }) },
  listSubscriptions: {},
  createSubscription: {
    body: (ids) => ({ productOfferingId: ids.productOfferingId, customerId: ids.customerId }),
    bodyIds: ['productOfferingId', 'customerId'],
  },
  getSubscription: {},
  cancelSubscription: { body: () => ({ schedule: 'CancelNow', reason: 'NO_NEED' }) },
  activateSubscription: { body: () => reason },
  blockSubscription: { body: () => reason },
  unblockSubscription: { body: () => reason },
  pauseSubscription: { body: () => reason },
  resumeSubscription: { body: () => reason },
  withdrawPendingStatus: {},
  withdrawPendingProductOffering: {},
  getSubscriptionChangeOptions: {},
  changeSubscriptionProductOffering: {
    body: (ids) => ({ productOfferingId: ids.productOfferingId }),
    bodyIds: ['productOfferingId'],
  },
  getSubscriptionTimeline: {},
  getSubscriptionUpcoming: {},
  getSubscriptionInPorting: {},
  updateSubscriptionPortingDetails: { body: () => ({ details: usDetails() }) },
  listSubscriptionAddons: {},
  addSubscriptionAddon: {
    body: (ids) => ({ productOfferingId: ids.productOfferingId }),
    bodyIds: ['productOfferingId'],
  },
  listSubscriptionAddonOptions: {},
  listSubscriptionAddonChangeOptions: {
    query: (ids) => `?subscriptionAddonId=${ids.subscriptionAddonId}`,
    bodyIds: ['subscriptionAddonId'],
  },
  changeSubscriptionAddonProductOffering: {
    body: (ids) => ({ productOfferingId: 'addon-data-5gb', subscriptionAddonId: ids.subscriptionAddonId }),
    bodyIds: ['subscriptionAddonId'],
  },
  cancelSubscriptionAddon: {
    body: (ids) => ({ subscriptionAddonId: ids.subscriptionAddonId }),
    bodyIds: ['subscriptionAddonId'],
  },
  getSubscriptionAddon: {},
  createOrder: {
    body: (ids) => ({
      customer: { customerId: ids.customerId },
      user: { userId: ids.userId },
      lineItems: [
        { type: 'TOP_UP', productOfferingId: 'topup-data-2gb', subscriptionId: ids.subscriptionId },
        { type: 'LICENSE_CHANGE', licenseId: ids.licenseId, productOfferingId: PREMIUM },
      ],
    }),
    bodyIds: ['customerId', 'userId', 'subscriptionId', 'licenseId'],
  },
  listOrders: {},
  getOrder: {},
  updateOrder: { body: (ids) => ({ customer: { customerId: ids.customerId } }), bodyIds: ['customerId'] },
  cancelOrder: {},
  addOrderLineItem: {
    body: (ids) => ({ type: 'TOP_UP', productOfferingId: 'topup-data-2gb', subscriptionId: ids.subscriptionId }),
    bodyIds: ['subscriptionId'],
  },
  replaceOrderLineItem: {
    body: (ids) => ({ type: 'LICENSE_CHANGE', licenseId: ids.licenseId, productOfferingId: PREMIUM }),
    bodyIds: ['licenseId'],
  },
  removeOrderLineItem: {},
  calculateOrderPrice: {},
  submitOrder: { body: () => ({}) },
  getTopupOptions: {},
  applyTopup: { body: (ids) => ({ productOfferingId: ids.productOfferingId }), bodyIds: ['productOfferingId'] },
  listTopups: {},
  getTopup: {},
  listLicenses: {},
  createLicense: {
    body: (ids) => ({
      productOfferingId: SUITE,
      customerId: ids.customerId,
      assignedTo: { type: 'SUBSCRIPTION', subscriptionId: ids.subscriptionId },
    }),
    bodyIds: ['customerId', 'subscriptionId'],
  },
  getLicense: {},
  cancelLicense: { body: () => reason },
  changeLicenseProductOffering: { body: () => ({ productOfferingId: PREMIUM }) },
  getLicenseChangeOptions: {},
  withdrawLicensePendingStatus: {},
  withdrawLicensePendingProductOffering: {},
  getLicenseTimeline: {},
  retrySubscriptionAddonProvisioning: {},
  listProductOfferings: {},
  createProductOffering: {
    body: (ids) => offeringBody('sweep-new-plan', { productOfferingGroupId: ids.productOfferingGroupId }),
    bodyIds: ['productOfferingGroupId'],
  },
  getProductOffering: {},
  updateProductOffering: {
    body: (ids) => {
      const { productOfferingId: _, ...rest } = offeringBody('x', {
        productOfferingGroupId: ids.productOfferingGroupId,
      })
      return rest
    },
    bodyIds: ['productOfferingGroupId'],
  },
  getDefaultProductCatalog: {},
  listProductOfferingGroups: {},
  createProductOfferingGroup: { body: () => groupBody('sweep-new-group') },
  getProductOfferingGroup: {},
  updateProductOfferingGroup: { body: () => ({ name: 'Renamed' }) },
  getPromotion: {},
  // A promotion's productOfferingIds are a filter of catalog ids, resolved in the caller's tenant only
  // and stored as given (an import may name offerings before they exist): not checked as references.
  updatePromotion: {
    body: () => {
      const { code: _, ...rest } = promotionBody('X')
      return rest
    },
  },
  archiveProductOffering: {},
  createPromotion: { body: () => promotionBody('SWEEPNEW') },
  listCustomers: {},
  createCustomer: {
    body: (ids) => ({ customerType: 'CONSUMER', name: 'Sweep Customer', users: [ids.userId] }),
    bodyIds: ['userId'],
  },
  getCustomer: {},
  updateCustomer: { body: (ids) => ({ contactPersonUserId: ids.userId }), bodyIds: ['userId'] },
  addCustomerUser: { body: (ids) => ({ userId: ids.userId, role: 'MEMBER' }), bodyIds: ['userId'] },
  removeCustomerUser: { notFound: { userId: 'customer_user.not_found' } },
  listUsers: {},
  createUser: { body: () => ({ name: 'Sweep User' }) },
  getUser: {},
  updateUser: { body: () => ({ name: 'Renamed User' }) },
  listSubscribers: {},
  getSubscriber: {},
  updateSubscriber: { body: () => ({ name: 'Renamed Subscriber' }) },
  importNumbers: { body: () => ({ numbers: [{ msisdn: '+17770009999', type: 'CELL' }] }) },
  listNumbers: {},
  leaseNumbers: { body: () => ({ types: ['CELL'], count: 1 }) },
  importSims: { body: () => ({ sims: [{ iccid: '8946000000000000009', type: 'PHYSICAL' }] }) },
  listSims: {},
  getSim: {},
  getSimPuk: {},
  getEsimQrCode: { audited: true },
  getEsimQrCodePng: { audited: true },
  listOrgSubscriptionAddOns: {},
  addOrgSubscriptionAddOn: {
    body: (ids) => ({ catalogue_add_on_id: ids.productOfferingId }),
    bodyIds: ['productOfferingId'],
  },
  getOrgSubscriptionAddOn: {},
  deactivateOrgSubscriptionAddOn: { body: () => ({ reason: 'SUBSCRIBER_RESIGNATION' }) },
  listWebhookEventTypes: {},
  createWebhookEndpoint: { body: () => ({ url: 'http://127.0.0.1:9/sweep' }) },
  listWebhookEndpoints: {},
  getWebhookEndpoint: {},
  updateWebhookEndpoint: { body: () => ({ description: 'sweep' }) },
  deleteWebhookEndpoint: {},
  rotateWebhookEndpointSecret: { body: () => ({}) },
  testWebhookEndpoint: { body: () => ({}) },
  listWebhookDeliveries: {},
  getWebhookDelivery: {},
  retryWebhookDelivery: {},
  replayWebhookEvents: { body: () => ({ since: '2020-01-01T00:00:00Z' }) },
}

/** The not-found code of each kind of path id. */
const NOT_FOUND: Record<keyof Ids, string> = {
  org: 'org.not_found',
  apiKeyId: 'api_key.not_found',
  key: 'idempotency_key.not_found',
  eventId: 'event.not_found',
  subscriptionId: 'subscription.not_found',
  subscriptionAddonId: 'subscription_addon.not_found',
  addonId: 'subscription_addon.not_found',
  subscriberId: 'subscriber.not_found',
  orderId: 'order.not_found',
  lineItemId: 'order_line_item.not_found',
  topupId: 'topup.not_found',
  licenseId: 'license.not_found',
  productOfferingId: 'product_offering.not_found',
  productOfferingGroupId: 'product_offering_group.not_found',
  code: 'promotion.not_found',
  customerId: 'customer.not_found',
  userId: 'user.not_found',
  iccid: 'sim.not_found',
  webhookEndpointId: 'webhook_endpoint.not_found',
  webhookDeliveryId: 'webhook_delivery.not_found',
}

/** Reads whose owner gets another answer than 200 from the fixtures, and why. */
const OWNER_READ: Record<string, number> = {
  // The fixture subscription was not ported in: its owner learns that (porting.not_found); a stranger
  // only that there is no such subscription.
  getSubscriptionInPorting: 404,
}

let t: TestApp
let mine: Fixtures
let theirs: Fixtures
const operations = documentOperations()
const covered = operations.filter((op) => !(op.operationId in PUBLIC))
const isWrite = (op: Operation) => op.method !== 'GET'
const isV2 = (op: Operation) => op.path.startsWith('/v2/')

beforeAll(async () => {
  t = await createTestApp({ v2: { jwtSecret: V2_SECRET } })
  mine = await tenantFixtures(t)
  theirs = await tenantFixtures(t)
})
afterAll(() => t.close())

/** The operation's request: the path's ids from `pathIds`, the body from `bodyIds`. */
function request(op: Operation, pathIds: Ids, bodyIds: Ids = pathIds): InjectOptions {
  const url = op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(pathIds[name as keyof Ids]))
  const { body, query } = CASES[op.operationId] ?? {}
  return { method: op.method, url: url + (query?.(bodyIds) ?? ''), ...(body && { payload: body(bodyIds) }) }
}

const label = (op: Operation, what: string) => `${op.method} ${op.path} (${op.operationId}) ${what}`

/** No answer to tenant A may carry tenant B's data. */
function expectNoneOf(markers: string[], body: string, what: string): void {
  for (const marker of markers) expect(body.includes(marker), `${what} leaks '${marker}'`).toBe(false)
}

describe('the route table', () => {
  it('knows every operation in openapi/openapi.json: each is swept or public with a reason', () => {
    const unknown = covered.filter((op) => !(op.operationId in CASES)).map((op) => op.operationId)
    expect(unknown, 'operations with no case in the sweep').toEqual([])
    const stale = Object.keys(CASES).filter((id) => !operations.some((op) => op.operationId === id))
    expect(stale, 'cases for operations no longer in the document').toEqual([])
    const publicOps = operations.filter((op) => op.operationId in PUBLIC)
    expect(publicOps.map((op) => op.operationId).sort()).toEqual(Object.keys(PUBLIC).sort())
    console.info(
      `route-table sweep: ${covered.length} operations covered + ${publicOps.length} public = ${operations.length} in the document`,
    )
    expect(covered.length + publicOps.length).toBe(operations.length)
  })

  it('answers 401 with no credentials, a revoked key (and on V2 an expired token), and writes nothing', async () => {
    const revoked = await makeApiKey(t.services, mine.world.tenant.tenant)
    await t.services.apiKeys.revoke(undefined, mine.world.tenant.tenant, revoked.id)
    const expired = await orgBearer(t, mine.ids.org, {}, { expiresIn: -120 })
    const before = await rowCounts(t)
    for (const op of covered) {
      const callers: [string, { headers: Record<string, string> } | null][] = [
        ['no credentials', null],
        ['revoked key', revoked],
      ]
      if (isV2(op)) callers.push(['expired token', expired])
      for (const [what, auth] of callers) {
        const res = await t.request(auth, request(op, mine.ids))
        expect(res.statusCode, label(op, `${what}: ${res.body}`)).toBe(401)
        expect(res.json().code, label(op, what)).toMatch(/^auth\./)
      }
    }
    expect(await rowCounts(t)).toEqual(before)
  })

  it('answers 403 auth.missing_scope to a read-only key on every write, lets it read, and shows it only its own tenant', async () => {
    const reader = await makeApiKey(t.services, mine.world.tenant.tenant, ['read'])
    const before = await rowCounts(t)
    let writes = 0
    let audits = 0
    const beyondRead: string[] = []
    for (const op of covered) {
      const res = await t.request(reader, request(op, mine.ids))
      if (isWrite(op)) {
        writes++
        expect(res.statusCode, label(op, res.body)).toBe(403)
        expect(res.json().code).toBe('auth.missing_scope')
      } else if (res.statusCode === 403) {
        // A read the key's scopes do not reach (admin, sims:puk): refused, naming the scope it needs.
        expect(res.json(), label(op, res.body)).toMatchObject({ code: 'auth.missing_scope' })
        expect(res.json().requiredScope, label(op, res.body)).not.toBe('read')
        beyondRead.push(op.operationId)
      } else {
        expect(res.statusCode, label(op, res.body)).not.toBe(401)
        expect(res.statusCode, label(op, res.body)).toBeLessThan(500)
        if (CASES[op.operationId]?.audited && res.statusCode === 200) audits++
      }
      expectNoneOf(theirs.markers, res.body, label(op, 'read-only'))
    }
    // Each audit event is also delivered to the fixture tenant's webhook endpoint, which takes every
    // type; the audits of the one eSIM open its event stream once.
    expect(await rowCounts(t)).toEqual({
      ...before,
      event: (before.event ?? 0) + audits,
      event_stream: (before.event_stream ?? 0) + Math.min(audits, 1),
      webhook_delivery: (before.webhook_delivery ?? 0) + audits,
    })
    expect(writes).toBeGreaterThan(0)
    console.info(`route-table sweep: ${writes} writes refused to a read-only key; reads needing more: ${beyondRead}`)
  })

  it('answers 403 to a read-only V2 bearer token on the V2 writes', async () => {
    const reader = await orgBearer(t, mine.ids.org, { scope: 'add_ons:read' })
    const v2Writes = covered.filter((op) => isV2(op) && isWrite(op))
    expect(v2Writes.length).toBeGreaterThan(0)
    for (const op of v2Writes) {
      const res = await t.request(reader, request(op, mine.ids))
      expect(res.statusCode, label(op, res.body)).toBe(403)
    }
  })

  it('answers 404 to another tenant’s id in each path position, never with its data, and writes nothing', async () => {
    const before = await rowCounts(t)
    let checked = 0
    // The V2 routes are asked with both of their credentials: an API key and a bearer token for the caller's org.
    const token = await orgBearer(t, mine.ids.org)
    for (const op of covered.filter((o) => o.params.length > 0)) {
      // Position k: the ids before it are the caller's own, the one at k and after are the other tenant's.
      for (let k = 0; k < op.params.length; k++) {
        const foreign = op.params[k] as keyof Ids
        const path = { ...mine.ids }
        for (const name of op.params.slice(k)) Object.assign(path, { [name]: theirs.ids[name as keyof Ids] })
        for (const caller of isV2(op) ? [mine.world.tenant, token] : [mine.world.tenant]) {
          const what = label(op, `with the other tenant's ${op.params.slice(k).join(', ')}`)
          const res = await t.request(caller, request(op, path, mine.ids))
          const absent = CASES[op.operationId]?.absent
          if (absent) absent(res, theirs.ids[foreign])
          else {
            expect(res.statusCode, `${what}: ${res.body}`).toBe(404)
            // The code names the hidden resource itself: nothing tells the caller it exists elsewhere.
            expect(res.json().code, `${what}: ${res.body}`).toBe(
              CASES[op.operationId]?.notFound?.[foreign] ?? NOT_FOUND[foreign],
            )
          }
          expectNoneOf(theirs.markers, res.body, what)
          checked++
        }
      }
    }
    expect(await rowCounts(t)).toEqual(before)
    console.info(`route-table sweep: ${checked} path-id requests from another tenant, all hidden`)
  })

  it('uses real ids: their owner reads every one of them', async () => {
    for (const op of covered.filter((o) => o.params.length > 0 && !isWrite(o))) {
      const res = await t.request(theirs.world.tenant, request(op, theirs.ids))
      const expected = OWNER_READ[op.operationId] ?? 200
      expect(res.statusCode, label(op, `by its owner: ${res.body}`)).toBe(expected)
    }
  })

  it('refuses another tenant’s id in a write’s body with a 4xx naming it not found, and writes nothing', async () => {
    const before = await rowCounts(t)
    let checked = 0
    for (const op of covered) {
      for (const name of CASES[op.operationId]?.bodyIds ?? []) {
        const body = { ...mine.ids, [name]: theirs.ids[name] }
        const what = label(op, `with the other tenant's ${name} in the body`)
        const res = await t.request(mine.world.tenant, request(op, mine.ids, body))
        expect([400, 404, 422], `${what}: ${res.body}`).toContain(res.statusCode)
        expect(res.json().code, `${what}: ${res.body}`).toMatch(/not_found$|line_item_invalid$/)
        expectNoneOf(theirs.markers, res.body, what)
        checked++
      }
    }
    expect(await rowCounts(t)).toEqual(before)
    console.info(`route-table sweep: ${checked} body ids from another tenant, all refused`)
  })
})
