import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeCustomer, makeUser } from '../../helpers/parties.js'
import { makeOperator, signIn } from '../../helpers/portal.js'
import { makeSubscription, subscriptionWorld } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(async () => t.close())

const customerIds = (html: string) =>
  [...html.matchAll(/href="\/portal\/customers\/([0-9a-f-]{36})"/g)].map((m) => m[1])

describe('portal customers', () => {
  it('sends a signed-out visitor to the sign-in page', async () => {
    for (const url of ['/portal/customers', '/portal/customers/01a2413e-0088-7346-9436-c847bf8b1333']) {
      const res = await t.app.inject({ method: 'GET', url })
      expect(res.statusCode).toBe(303)
      expect(res.headers.location).toBe(`/portal/sign-in?next=${encodeURIComponent(url)}`)
    }
  })

  it('lists the tenant’s customers by keyset cursor and searches them by name or e-mail', async () => {
    const tenant = await t.tenant()
    const made: string[] = []
    for (let i = 0; i < 26; i++) made.push((await makeCustomer(t, tenant, { name: `Person ${i}` })).customerId)
    const ada = await makeCustomer(t, tenant, { name: 'Ada Lovelace', contact: { email: 'ada@engine.example' } })
    const foreign = await makeCustomer(t, await t.tenant(), { name: 'Ada Stranger' })
    const browser = await signIn(t, await makeOperator(t, tenant, 'viewer'))
    const first = await browser.get('/portal/customers')
    expect(first.statusCode).toBe(200)
    expect(customerIds(first.body)).toEqual(made.slice(0, 25))
    const next = /href="(\/portal\/customers\?[^"]+)" rel="next"/.exec(first.body)?.[1] as string
    const second = await browser.get(next.replaceAll('&amp;', '&'))
    expect(customerIds(second.body)).toEqual([made[25], ada.customerId])
    for (const search of ['Ada', 'engine.example']) {
      const found = await browser.get(`/portal/customers?search=${encodeURIComponent(search)}`)
      expect(customerIds(found.body), search).toEqual([ada.customerId])
      expect(found.body).not.toContain(foreign.customerId)
    }
  })

  it('shows a customer with its users, subscribers and subscriptions; search opens it', async () => {
    const world = await subscriptionWorld(t)
    const user = await makeUser(t, world.tenant, { name: 'Uma User' })
    const customer = await makeCustomer(t, world.tenant, {
      name: 'Holding Co',
      users: [user.userId],
      referenceId: 'crm-77',
    })
    const sub = await makeSubscription(t, { ...world, customer }, { subscriber: { name: 'Sid Subscriber' } })
    const browser = await signIn(t, await makeOperator(t, world.tenant, 'viewer'))
    const found = await browser.get('/portal/search?q=Holding%20Co')
    expect(found.statusCode).toBe(303)
    expect(found.headers.location).toBe(`/portal/customers/${customer.customerId}`)
    for (const id of [customer.customerId, 'rid_crm-77']) {
      const res = await browser.get(`/portal/customers/${id}`)
      expect(res.statusCode, res.body).toBe(200)
      expect(res.body).toContain('<h1>Holding Co</h1>')
      expect(res.body).toContain('Uma User')
      expect(res.body).toContain('Sid Subscriber')
      expect(res.body).toContain(`href="/portal/subscriptions/${sub.subscriptionId}"`)
    }
  })

  it('answers another tenant’s customer with 404', async () => {
    const customer = await makeCustomer(t, await t.tenant(), { name: 'Secret Customer' })
    const other = await signIn(t, await makeOperator(t, await t.tenant(), 'admin'))
    const res = await other.get(`/portal/customers/${customer.customerId}`)
    expect(res.statusCode).toBe(404)
    expect(res.body).not.toContain('Secret Customer')
  })

  it('escapes a customer’s name in the list and on its page', async () => {
    const tenant = await t.tenant()
    const customer = await makeCustomer(t, tenant, { name: '<script>alert(1)</script>' })
    const browser = await signIn(t, await makeOperator(t, tenant, 'viewer'))
    for (const url of ['/portal/customers', `/portal/customers/${customer.customerId}`]) {
      const res = await browser.get(url)
      expect(res.statusCode).toBe(200)
      expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
      expect(res.body).not.toContain('<script>alert(1)')
    }
  })
})
