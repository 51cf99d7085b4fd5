import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeCustomer } from '../../helpers/parties.js'
import { makeOperator, signIn, hidden } from '../../helpers/portal.js'
import { makeSubscription, subscriptionWorld } from '../../helpers/subscriptions.js'
import { createTestApp } from '../../helpers/test-app.js'
import type { TestApp } from '../../helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(async () => t.close())

describe('portal pages', () => {
  it('home counts subscriptions by status and lists the latest events', async () => {
    const world = await subscriptionWorld(t)
    await makeSubscription(t, world)
    const browser = await signIn(t, await makeOperator(t, world.tenant, 'viewer'))
    const home = await browser.get('/portal')
    expect(home.statusCode).toBe(200)
    expect(home.body).toMatch(/<dt>Subscriptions ACTIVATED<\/dt><dd>1<\/dd>/)
    expect(home.body).toContain('<code>subscription.created</code>')
  })

  it('finds a line by its number in any format and opens it; another tenant never finds it', async () => {
    const world = await subscriptionWorld(t)
    const subscription = await makeSubscription(t, world, { msisdn: '+17775550199' })
    const browser = await signIn(t, await makeOperator(t, world.tenant, 'viewer'))
    for (const q of ['+1 777 555 0199', '(777) 555-0199', '17775550199', subscription.subscriptionId]) {
      const res = await browser.get(`/portal/search?q=${encodeURIComponent(q)}`)
      expect(res.statusCode, q).toBe(303)
      expect(res.headers.location).toBe(`/portal/subscriptions/${subscription.subscriptionId}`)
    }
    const page = await browser.get(`/portal/subscriptions/${subscription.subscriptionId}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('+17775550199')
    const other = await signIn(t, await makeOperator(t, await t.tenant(), 'admin'))
    const none = await other.get(`/portal/search?q=${encodeURIComponent('+17775550199')}`)
    expect(none.statusCode).toBe(200)
    expect(none.body).toContain('Nothing matches')
    const foreign = await other.get(`/portal/subscriptions/${subscription.subscriptionId}`)
    expect(foreign.statusCode).toBe(404)
    expect(foreign.body).not.toContain('+17775550199')
  })

  it('escapes markup in a customer name wherever it is shown', async () => {
    const tenant = await t.tenant()
    const name = '<script>alert("x")</script><b>Eve</b>'
    await makeCustomer(t, tenant, { name })
    await makeCustomer(t, tenant, { name: 'Eve Two' })
    const browser = await signIn(t, await makeOperator(t, tenant, 'viewer'))
    const res = await browser.get('/portal/search?q=Eve')
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;Eve&lt;/b&gt;')
    expect(res.body).not.toContain('<script>alert')
    expect(res.body).not.toContain('<b>Eve</b>')
    const echoed = await browser.get(`/portal/search?q=${encodeURIComponent('"><img src=x>')}`)
    expect(echoed.body).not.toContain('<img src=x>')
  })

  it('blocks through a confirmation, once per form, with the operator as the actor', async () => {
    const world = await subscriptionWorld(t)
    const subscription = await makeSubscription(t, world)
    const id = subscription.subscriptionId as string
    const email = await makeOperator(t, world.tenant, 'operator')
    const browser = await signIn(t, email)
    const confirm = await browser.get(`/portal/subscriptions/${id}/block`)
    expect(confirm.statusCode, confirm.body).toBe(200)
    expect(confirm.body).toContain('It is barred now')
    const idem = hidden(confirm.body, '_idem') as string
    const first = await browser.post(`/portal/subscriptions/${id}/block`, { _idem: idem })
    expect(first.statusCode, first.body).toBe(303)
    expect(first.headers.location).toBe(`/portal/subscriptions/${id}`)
    const twice = await browser.post(`/portal/subscriptions/${id}/block`, { _idem: idem })
    expect(twice.statusCode).toBe(303)
    expect(twice.headers.location).toBe(first.headers.location)
    const api = await t.request(world.tenant, { method: 'GET', url: `/subscriptions/${id}` })
    expect(api.json().status).toBe('BLOCKED')
    const timeline = await t.request(world.tenant, { method: 'GET', url: `/subscriptions/${id}/timeline` })
    const blocks = (timeline.json().items as { kind: string; actor: { type: string; label: string } }[]).filter((i) =>
      i.kind.includes('block'),
    )
    expect(blocks).toHaveLength(1)
    expect(blocks[0]?.actor).toMatchObject({ type: 'operator', label: email })
    // A new form to block again is refused by the same rule as the API, shown in plain words.
    const again = await browser.get(`/portal/subscriptions/${id}/block`)
    const refused = await browser.post(`/portal/subscriptions/${id}/block`, {
      _idem: hidden(again.body, '_idem') as string,
    })
    expect(refused.statusCode).toBe(409)
    expect(refused.body).toContain('subscription.')
  })

  it('lets a viewer read but not act (403 page), and nothing changes', async () => {
    const world = await subscriptionWorld(t)
    const subscription = await makeSubscription(t, world)
    const id = subscription.subscriptionId as string
    const browser = await signIn(t, await makeOperator(t, world.tenant, 'viewer'))
    expect((await browser.get(`/portal/subscriptions/${id}`)).body).not.toContain('Block…')
    expect((await browser.get(`/portal/subscriptions/${id}/block`)).statusCode).toBe(403)
    const post = await browser.post(`/portal/subscriptions/${id}/block`, { _idem: 'viewer-try' })
    expect(post.statusCode).toBe(403)
    expect(post.body).toContain('portal.role_forbidden')
    const api = await t.request(world.tenant, { method: 'GET', url: `/subscriptions/${id}` })
    expect(api.json().status).toBe('ACTIVATED')
  })

  it('switches between the operator’s tenants, and refuses one it does not hold (404)', async () => {
    const a = await t.tenant()
    const b = await t.tenant()
    const email = await makeOperator(t, a, 'admin')
    await t.services.operators.grant(email, b.tenant, 'viewer')
    const browser = await signIn(t, email)
    const home = await browser.get('/portal')
    expect(home.body).toContain(`${b.tenant.name} (viewer)`)
    const switched = await browser.post('/portal/tenant', { tenantId: b.tenant.id })
    expect(switched.statusCode).toBe(303)
    expect((await browser.get('/portal')).body).toMatch(new RegExp(`value="${b.tenant.id}" selected`))
    const stranger = await t.tenant()
    expect((await browser.post('/portal/tenant', { tenantId: stranger.tenant.id })).statusCode).toBe(404)
  })
})

describe('portal subscriptions list', () => {
  it('pages by keyset cursor, filters by status, and shows only the tenant’s own', async () => {
    const world = await subscriptionWorld(t)
    const made = []
    for (let i = 0; i < 27; i++) made.push((await makeSubscription(t, world)).subscriptionId as string)
    await t.request(world.tenant, { method: 'POST', url: `/subscriptions/${made[0]}/block`, payload: {} })
    const other = await subscriptionWorld(t)
    const foreign = (await makeSubscription(t, other)).subscriptionId as string
    const browser = await signIn(t, await makeOperator(t, world.tenant, 'viewer'))
    const first = await browser.get('/portal/subscriptions')
    expect(first.statusCode).toBe(200)
    const ids = (html: string) =>
      [...html.matchAll(/href="\/portal\/subscriptions\/([0-9a-f-]{36})"/g)].map((m) => m[1])
    expect(ids(first.body)).toEqual(made.slice(0, 25))
    const next = /href="(\/portal\/subscriptions\?cursor=[^"]+)" rel="next"/.exec(first.body)?.[1] as string
    expect(next).toBeDefined()
    const second = await browser.get(next.replaceAll('&amp;', '&'))
    expect(ids(second.body)).toEqual(made.slice(25))
    expect(second.body).not.toContain('rel="next"')
    expect(second.body).not.toContain(foreign)
    const blocked = await browser.get('/portal/subscriptions?status=BLOCKED')
    expect(ids(blocked.body)).toEqual([made[0]])
    expect((await browser.get('/portal/subscriptions?status=NOPE')).statusCode).toBe(400)
  })
})
