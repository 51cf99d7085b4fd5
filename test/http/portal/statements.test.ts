import { afterAll, beforeAll, expect, it } from 'vitest'
import type { StatementLog } from '../../helpers/statements.js'
import { statementLog } from '../../helpers/statements.js'
import { offeringBody, seedCatalog } from '../../helpers/catalog.js'
import { importNumbers, msisdns } from '../../helpers/inventory.js'
import { makeOrder, subscriptionItem } from '../../helpers/orders.js'
import { makeCustomer } from '../../helpers/parties.js'
import { makeOperator, signIn } from '../../helpers/portal.js'
import { makeSubscription, subscriptionWorld } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

let log: StatementLog
let t: TestApp
beforeAll(async () => {
  log = await statementLog()
  t = await createTestApp({ database: log.database })
})
afterAll(() => t.close())

/**
 * A page's statements do not grow with what it lists (no N+1): the session read (session with its
 * operator, tenant and role; the memberships) plus the page's own bounded reads.
 */
it('home, search and the subscription list issue the same handful of statements with 1 or 6 subscriptions and customers', async () => {
  const world = await subscriptionWorld(t)
  const browser = await signIn(t, await makeOperator(t, world.tenant, 'viewer'))
  const counts = async () => {
    const home = await log.record(() => browser.get('/portal'))
    const search = await log.record(() => browser.get('/portal/search?q=Customer'))
    const list = await log.record(() => browser.get('/portal/subscriptions'))
    for (const { result } of [home, search, list]) expect(result.statusCode).toBe(200)
    return { home: home.statements.length, search: search.statements.length, list: list.statements.length }
  }
  await makeSubscription(t, world)
  await makeCustomer(t, world.tenant, { name: 'Customer one' })
  await makeCustomer(t, world.tenant, { name: 'Customer two' })
  const few = await counts()
  for (let i = 0; i < 5; i++) {
    await makeSubscription(t, world)
    await makeCustomer(t, world.tenant, { name: `Customer ${i + 3}` })
  }
  const many = await counts()
  expect(many).toEqual(few)
  expect(few.home).toBeLessThanOrEqual(6)
  expect(few.search).toBeLessThanOrEqual(4)
  expect(few.list).toBeLessThanOrEqual(10)
})

it('the orders list issues the same statements with 1 or 6 orders, each with a line item and its own customer', async () => {
  const world = await subscriptionWorld(t)
  const browser = await signIn(t, await makeOperator(t, world.tenant, 'viewer'))
  const addOrder = async (i: number) => {
    const customer = await makeCustomer(t, world.tenant, { name: `Buyer ${i}` })
    await makeOrder(t, world, { customer: { customerId: customer.customerId }, lineItems: [subscriptionItem()] })
  }
  const count = async () => {
    const { result, statements } = await log.record(() => browser.get('/portal/orders'))
    expect(result.statusCode).toBe(200)
    return statements.length
  }
  await addOrder(0)
  const few = await count()
  for (let i = 1; i < 6; i++) await addOrder(i)
  expect(await count()).toBe(few)
  expect(few).toBeLessThanOrEqual(8)
})

it('the customers list and a customer page issue the same statements with 1 or 6 customers, users and subscriptions', async () => {
  const world = await subscriptionWorld(t)
  const browser = await signIn(t, await makeOperator(t, world.tenant, 'viewer'))
  const count = async (url: string) => {
    const { result, statements } = await log.record(() => browser.get(url))
    expect(result.statusCode).toBe(200)
    return statements.length
  }
  const page = `/portal/customers/${world.customer.customerId}`
  await makeSubscription(t, world)
  const few = { list: await count('/portal/customers'), page: await count(page) }
  for (let i = 0; i < 5; i++) {
    await makeCustomer(t, world.tenant, { name: `Listed ${i}` })
    await makeSubscription(t, world)
  }
  expect({ list: await count('/portal/customers'), page: await count(page) }).toEqual(few)
  expect(few.list).toBeLessThanOrEqual(8)
  expect(few.page).toBeLessThanOrEqual(16)
})

it('the catalog issues the same statements with 1 or 6 plans', async () => {
  const tenant = await t.tenant()
  const browser = await signIn(t, await makeOperator(t, tenant, 'viewer'))
  const count = async () => {
    const { result, statements } = await log.record(() => browser.get('/portal/catalog?kind=plans'))
    expect(result.statusCode).toBe(200)
    return statements.length
  }
  await seedCatalog(t.services, tenant, { offerings: [offeringBody('plan-a')] })
  const few = await count()
  await seedCatalog(t.services, tenant, { offerings: [1, 2, 3, 4, 5].map((i) => offeringBody(`plan-b${i}`)) })
  expect(await count()).toBe(few)
  expect(few).toBeLessThanOrEqual(6)
})

it('the inventory page issues the same statements with 1 or 6 numbers', async () => {
  const tenant = await t.tenant()
  const browser = await signIn(t, await makeOperator(t, tenant, 'viewer'))
  const count = async () => {
    const { result, statements } = await log.record(() => browser.get('/portal/inventory'))
    expect(result.statusCode).toBe(200)
    return statements.length
  }
  await importNumbers(t, tenant, [{ msisdn: msisdns(1)[0], type: 'CELL' }])
  const few = await count()
  await importNumbers(
    t,
    tenant,
    msisdns(5).map((msisdn) => ({ msisdn, type: 'CELL' })),
  )
  expect(await count()).toBe(few)
  expect(few).toBeLessThanOrEqual(24)
})

/**
 * The subscription page (summary, add-ons, timeline), its action confirmations (a previewed
 * service call each) and the test clock's pages read a bounded set of statements, whatever the
 * number of add-ons and timeline items.
 */
it('the subscription page, its action confirmations and the test clock pages do not grow with add-ons and timeline items', async () => {
  const world = await subscriptionWorld(t)
  const id = (await makeSubscription(t, world, { productOfferingId: 'mobile-plan-max' })).subscriptionId as string
  const browser = await signIn(t, await makeOperator(t, world.tenant, 'operator'))
  const page = `/portal/subscriptions/${id}`
  const addPass = async () => {
    const res = await t.request(world.tenant, {
      method: 'POST',
      url: `/subscriptions/${id}/addons`,
      payload: { productOfferingId: 'addon-roaming-eu-7d' },
    })
    expect(res.statusCode, res.body).toBe(201)
    return res.json().subscriptionAddonId as string
  }
  const first = await addPass()
  const urls = [
    page,
    `${page}/plan`,
    `${page}/plan?productOfferingId=mobile-plan-plus`,
    `${page}/cancel?schedule=CancelNextDay&reason=NO_NEED`,
    `${page}/addons/add`,
    `${page}/addons/add?productOfferingId=addon-data-1gb&when=now`,
    `${page}/addons/${first}/cancel?when=now`,
    '/portal/test-clock',
    '/portal/test-clock/advance?by=P1M',
  ]
  const counts = async () => {
    const out: Record<string, number> = {}
    for (const url of urls) {
      const { result, statements } = await log.record(() => browser.get(url))
      expect(result.statusCode, `${url}: ${result.body}`).toBe(200)
      out[url] = statements.length
    }
    return out
  }
  const few = await counts()
  for (let i = 0; i < 5; i++) await addPass()
  const many = await counts()
  expect(many).toEqual(few)
  // The page: the session (2), the subscription (6), its add-ons (4), its timeline (3) and one more.
  expect(few[page]).toBeLessThanOrEqual(16)
  // A form: the session and the options; a confirmation: the previewed write in its rolled-back
  // transaction (the cancel of an add-on also reads the add-on before and after).
  const bounds = [16, 8, 24, 22, 8, 24, 40, 5, 6]
  urls.forEach((url, i) => expect(few[url], url).toBeLessThanOrEqual(bounds[i] as number))
})

it('the Developers pages issue the same handful of statements with 1 or 6 keys, endpoints, deliveries, events and failed jobs', async () => {
  const world = await subscriptionWorld(t)
  const tenant = world.tenant
  const endpoint = async () =>
    (
      await t.request(tenant, {
        method: 'POST',
        url: '/webhook-endpoints',
        payload: { url: 'http://127.0.0.1:9/hooks', eventTypes: ['customer.*'] },
        headers: { 'x-idempotency-key': `ep-${Math.random()}` },
      })
    ).json().endpoint.webhookEndpointId as string
  // A job of a kind no handler runs: the worker fails it at once (a failed job for the list).
  const failedJob = async () => {
    await t.services.queue.enqueue(t.services.db, { tenantId: tenant.tenant.id, kind: 'statements.no-handler' })
    await t.worker.drain({ tenantId: tenant.tenant.id, kinds: ['statements.no-handler'] })
  }
  const first = await endpoint()
  await failedJob()
  await t.services.apiKeys.create(undefined, tenant.tenant, { label: 'k0', scopes: ['read'] })
  await makeCustomer(t, tenant, { name: 'Dev customer 0' })
  const browser = await signIn(t, await makeOperator(t, tenant, 'viewer'))
  const pages = [
    '/portal/developers/api-keys',
    '/portal/developers/webhooks',
    `/portal/developers/webhooks/${first}`,
    '/portal/developers/events',
    '/portal/developers/idempotency-keys?key=abc',
    '/portal/developers/jobs',
  ]
  const counts = async () => {
    const out: number[] = []
    for (const url of pages) {
      const { result, statements } = await log.record(() => browser.get(url))
      expect(result.statusCode, url).toBe(200)
      out.push(statements.length)
    }
    return out
  }
  const few = await counts()
  for (let i = 1; i < 6; i++) {
    await endpoint()
    await failedJob()
    await t.services.apiKeys.create(undefined, tenant.tenant, { label: `k${i}`, scopes: ['read'] })
    await makeCustomer(t, tenant, { name: `Dev customer ${i}` })
  }
  const many = await counts()
  expect(many).toEqual(few)
  for (const n of few) expect(n).toBeLessThanOrEqual(8)
})
