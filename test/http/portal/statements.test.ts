import { afterAll, beforeAll, expect, it } from 'vitest'
import type { StatementLog } from '../../helpers/statements.js'
import { statementLog } from '../../helpers/statements.js'
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

it('the Developers pages issue the same handful of statements with 1 or 6 keys, endpoints, deliveries and events', async () => {
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
  const first = await endpoint()
  await t.services.apiKeys.create(undefined, tenant.tenant, { label: 'k0', scopes: ['read'] })
  await makeCustomer(t, tenant, { name: 'Dev customer 0' })
  const browser = await signIn(t, await makeOperator(t, tenant, 'viewer'))
  const pages = [
    '/portal/developers/api-keys',
    '/portal/developers/webhooks',
    `/portal/developers/webhooks/${first}`,
    '/portal/developers/events',
    '/portal/developers/idempotency-keys?key=abc',
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
    await t.services.apiKeys.create(undefined, tenant.tenant, { label: `k${i}`, scopes: ['read'] })
    await makeCustomer(t, tenant, { name: `Dev customer ${i}` })
  }
  const many = await counts()
  expect(many).toEqual(few)
  for (const n of few) expect(n).toBeLessThanOrEqual(8)
})
