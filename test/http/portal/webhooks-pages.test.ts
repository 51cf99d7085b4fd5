import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EVENT_TYPES } from '../../../src/domain/webhooks/event-types.js'
import type { TestTenant } from '../../helpers/factories.js'
import { makeCustomer } from '../../helpers/parties.js'
import type { Browser } from '../../helpers/portal.js'
import { hidden, makeOperator, signIn } from '../../helpers/portal.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'
import { createEndpoint, testDispatcher, useReceivers } from '../../helpers/webhooks.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(async () => t.close())
const receiver = useReceivers()

const HOOKS = '/portal/developers/webhooks'
const secretIn = (html: string) => /id="secret-value" class="secret-value">([^<]+)</.exec(html)?.[1]
const drain = (tenant: TestTenant) => testDispatcher(t).drain({ tenantId: tenant.tenant.id })

/** Opens a confirmation (or form) page and sends its form with `fields` (to `action`, else the page's own path). */
async function confirm(browser: Browser, url: string, fields: Record<string, string> = {}, action = url) {
  const form = await browser.get(url)
  expect(form.statusCode, form.body).toBe(200)
  const send = () => browser.post(action, { _idem: hidden(form.body, '_idem') as string, ...fields })
  return { first: await send(), again: send }
}

const endpointsOf = async (tenant: TestTenant) =>
  (await t.request(tenant, { method: 'GET', url: '/webhook-endpoints' })).json().items as {
    webhookEndpointId: string
    url: string
    eventTypes: string[] | null
    enabled: boolean
  }[]

describe('portal webhook endpoints', () => {
  it('registers an endpoint with picked event types, shows its secret once, and a test event verifies with it', async () => {
    const tenant = await t.tenant()
    const r = await receiver()
    const browser = await signIn(t, await makeOperator(t, tenant, 'admin'))
    const { first: created, again } = await confirm(
      browser,
      `${HOOKS}/new`,
      {
        url: r.url,
        description: 'Billing',
        'type_customer.created': 'on',
        'type_order.created': 'on',
      },
      HOOKS,
    )
    // The picker offers every type the webhooks service knows; that form was rendered from it.
    const form = await browser.get(`${HOOKS}/new`)
    for (const { type } of EVENT_TYPES) expect(form.body).toContain(`name="type_${type}"`)
    expect(created.statusCode, created.body).toBe(200)
    const secret = secretIn(created.body) as string
    expect(secret).toMatch(/^whsec_/)
    const twice = await again()
    expect(twice.statusCode).toBe(303)
    expect(twice.body).not.toContain(secret)
    const endpoints = await endpointsOf(tenant)
    expect(endpoints).toHaveLength(1)
    expect(endpoints[0]?.url).toBe(r.url)
    expect([...(endpoints[0]?.eventTypes ?? [])].sort()).toEqual(['customer.created', 'order.created'])
    const id = endpoints[0]?.webhookEndpointId as string
    expect(twice.headers.location).toBe(`${HOOKS}/${id}`)
    const page = await browser.get(`${HOOKS}/${id}`)
    expect(page.body).not.toContain(secret)
    expect(page.body).toContain('<dd>enabled</dd>')

    const { first: sent } = await confirm(browser, `${HOOKS}/${id}/test`)
    expect(sent.statusCode).toBe(303)
    await drain(tenant)
    expect(r.types()).toEqual(['webhook.test'])
    r.verifyAll(secret)
  })

  it('refuses an endpoint URL that is not one, writes nothing, and the corrected form goes through', async () => {
    const tenant = await t.tenant()
    const r = await receiver()
    const browser = await signIn(t, await makeOperator(t, tenant, 'admin'))
    const idem = hidden((await browser.get(`${HOOKS}/new`)).body, '_idem') as string
    const refused = await browser.post(HOOKS, { _idem: idem, url: 'not a url', description: '' })
    expect(refused.statusCode).toBe(400)
    expect(refused.body).toContain('class="problem"')
    expect(await endpointsOf(tenant)).toHaveLength(0)
    const corrected = await browser.post(HOOKS, { _idem: idem, url: r.url, description: '' })
    expect(corrected.statusCode).toBe(200)
    expect((await endpointsOf(tenant))[0]?.eventTypes).toBeNull()
  })

  it('lists endpoints as enabled, failing or disabled, escaping what the tenant typed, and enables again', async () => {
    const tenant = await t.tenant()
    const ok = await receiver()
    const down = await receiver()
    down.respond = () => ({ status: 500 })
    const markup = '<img src=x onerror=alert(1)>'
    const healthy = await createEndpoint(t, tenant, { url: ok.url, description: markup, eventTypes: ['customer.*'] })
    await createEndpoint(t, tenant, { url: down.url, eventTypes: ['customer.*'] })
    await makeCustomer(t, tenant)
    await drain(tenant)
    const browser = await signIn(t, await makeOperator(t, tenant, 'admin'))
    const rowOf = (html: string, url: string) =>
      new RegExp(`<tr>\\s*<td><a href="[^"]+">${url.replace(/[.]/g, '\\.')}</a></td>[\\s\\S]*?</tr>`).exec(html)?.[0]
    const list = (await browser.get(HOOKS)).body
    expect(list).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(list).not.toContain(markup)
    expect(rowOf(list, ok.url)).toContain('<td>enabled</td>')
    expect(rowOf(list, down.url)).toContain('<td>failing</td>')

    const off = `${HOOKS}/${healthy.endpoint.webhookEndpointId}/disable`
    const { first, again } = await confirm(browser, off)
    expect(first.statusCode).toBe(303)
    expect((await again()).headers.location).toBe(first.headers.location)
    expect(rowOf((await browser.get(HOOKS)).body, ok.url)).toContain('<td>disabled (manual)</td>')
    await makeCustomer(t, tenant)
    await drain(tenant)
    expect(ok.received).toHaveLength(1)
    const { first: on } = await confirm(browser, `${HOOKS}/${healthy.endpoint.webhookEndpointId}/enable`)
    expect(on.statusCode).toBe(303)
    await drain(tenant)
    expect(ok.types()).toEqual(['customer.created', 'customer.created'])
    expect(rowOf((await browser.get(HOOKS)).body, ok.url)).toContain('<td>enabled</td>')
  })

  it('shows deliveries with their attempts (code, time, escaped answer) and sends one again, once per form', async () => {
    const tenant = await t.tenant()
    const r = await receiver()
    r.respond = () => ({ status: 502, body: '<b>bad gateway</b>' })
    const { endpoint } = await createEndpoint(t, tenant, { url: r.url, eventTypes: ['customer.*'] })
    await makeCustomer(t, tenant)
    await drain(tenant)
    const browser = await signIn(t, await makeOperator(t, tenant, 'admin'))
    const page = (await browser.get(`${HOOKS}/${endpoint.webhookEndpointId}`)).body
    const link = /<td><a href="([^"]+)">customer\.created<\/a><\/td>/.exec(page)?.[1] as string
    expect(link).toMatch(new RegExp(`^${HOOKS}/deliveries/`))
    expect(page).toMatch(/<td>pending<\/td>\s*<td>1<\/td>/)
    const delivery = await browser.get(link)
    expect(delivery.statusCode).toBe(200)
    expect(delivery.body).toMatch(/<td>502<\/td>\s*<td>\d+ ms<\/td>/)
    expect(delivery.body).toContain('&lt;b&gt;bad gateway&lt;/b&gt;')
    expect(delivery.body).not.toContain('<b>bad gateway</b>')
    // Still queued (a retry is scheduled): no retry offered, and a forced one is refused.
    expect(delivery.body).not.toContain('Send again…')
    const early = await confirm(browser, `${link}/retry`)
    expect(early.first.statusCode).toBe(409)
    expect(early.first.body).toContain('webhook_delivery.still_queued')

    r.respond = () => ({ status: 200 })
    t.clock.advance(3_600_000)
    await drain(tenant)
    expect((await browser.get(link)).body).toContain('Send again…')
    const { first, again } = await confirm(browser, `${link}/retry`)
    expect(first.statusCode, first.body).toBe(303)
    expect(first.headers.location).toBe(link)
    expect((await again()).headers.location).toBe(link)
    await drain(tenant)
    const ids = r.received.map((x) => x.headers['webhook-id'])
    expect(ids.length).toBeGreaterThanOrEqual(3)
    expect(new Set(ids).size).toBe(1)
    const after = (await browser.get(link)).body
    expect(after.match(/<td>200<\/td>/g)).toHaveLength(2)
  })

  it('rotates the secret (the new one shown once and signing) and replays a window of events', async () => {
    const tenant = await t.tenant()
    const r = await receiver()
    await makeCustomer(t, tenant)
    const { endpoint, secret: old } = await createEndpoint(t, tenant, { url: r.url, eventTypes: ['customer.*'] })
    const browser = await signIn(t, await makeOperator(t, tenant, 'admin'))
    const base = `${HOOKS}/${endpoint.webhookEndpointId}`
    const { first, again } = await confirm(browser, `${base}/rotate-secret`)
    expect(first.statusCode).toBe(200)
    const fresh = secretIn(first.body) as string
    expect(fresh).toMatch(/^whsec_/)
    expect(fresh).not.toBe(old)
    const twice = await again()
    expect(twice.statusCode).toBe(303)
    expect(twice.body).not.toContain(fresh)
    expect((await browser.get(base)).body).toContain('Old secret signs until</dt><dd>2025-01-16')

    const replay = await confirm(browser, `${base}/replay`, { since: '2025-01-01T00:00:00Z', until: '' })
    expect(replay.first.statusCode, replay.first.body).toBe(303)
    await replay.again()
    await drain(tenant)
    expect(r.types()).toEqual(['customer.created'])
    r.verifyAll(fresh)
    const bad = await confirm(browser, `${base}/replay`, { since: 'yesterday', until: '' })
    expect(bad.first.statusCode).toBe(400)
    expect(bad.first.body).toContain('/body/since')
  })

  it('signed out goes to sign-in; viewers read but cannot act; no CSRF token, no action; another tenant’s is a 404', async () => {
    const tenant = await t.tenant()
    const r = await receiver()
    const { endpoint } = await createEndpoint(t, tenant, { url: r.url, eventTypes: ['customer.*'] })
    await makeCustomer(t, tenant)
    const base = `${HOOKS}/${endpoint.webhookEndpointId}`
    const signedOut = await t.app.inject({ method: 'GET', url: base })
    expect(signedOut.statusCode).toBe(303)
    expect(signedOut.headers.location).toBe(`/portal/sign-in?next=${encodeURIComponent(base)}`)

    const viewer = await signIn(t, await makeOperator(t, tenant, 'viewer'))
    const page = await viewer.get(base)
    expect(page.statusCode).toBe(200)
    expect(page.body).not.toContain('Rotate secret…')
    const link = /<td><a href="([^"]+)">customer\.created<\/a><\/td>/.exec(page.body)?.[1] as string
    expect((await viewer.get(link)).statusCode).toBe(200)
    for (const action of ['test', 'rotate-secret', 'disable', 'replay']) {
      expect((await viewer.get(`${base}/${action}`)).statusCode).toBe(403)
    }
    expect((await viewer.get(`${HOOKS}/new`)).statusCode).toBe(403)
    const operator = await signIn(t, await makeOperator(t, tenant, 'operator'))
    const post = await operator.post(`${base}/disable`, { _idem: 'operator-try' })
    expect(post.statusCode).toBe(403)
    expect(post.body).toContain('portal.role_forbidden')

    const admin = await signIn(t, await makeOperator(t, tenant, 'admin'))
    const idem = hidden((await admin.get(`${base}/disable`)).body, '_idem') as string
    const noCsrf = await admin.post(`${base}/disable`, { _idem: idem, _csrf: '' })
    expect(noCsrf.statusCode).toBe(403)
    expect(noCsrf.body).toContain('portal.csrf_failed')
    expect((await endpointsOf(tenant))[0]?.enabled).toBe(true)

    const stranger = await signIn(t, await makeOperator(t, await t.tenant(), 'admin'))
    expect((await stranger.get(base)).statusCode).toBe(404)
    expect((await stranger.get(link)).statusCode).toBe(404)
    expect((await stranger.post(`${base}/disable`, { _idem: 'foreign' })).statusCode).toBe(404)
    expect((await stranger.post(`${link}/retry`, { _idem: 'foreign-2' })).statusCode).toBe(404)
    expect((await endpointsOf(tenant))[0]?.enabled).toBe(true)
  })
})
