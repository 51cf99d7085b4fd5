import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from '../../helpers/portal.js'
import { form, hidden, makeOperator, signIn } from '../../helpers/portal.js'
import type { World } from '../../helpers/subscriptions.js'
import { getSubscription, makeSubscription, subscriptionWorld, timelineOf } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp() // the fake clock starts at 2025-01-15T10:00:00Z; each new tenant's test clock too
})
afterAll(() => t.close())

const clockOf = async (world: World) =>
  (await t.request(world.tenant, { method: 'GET', url: '/test-clock' })).json() as { now: string; today: string }

async function setUp(role: 'operator' | 'viewer' = 'operator', timeZone = 'UTC') {
  const world = await subscriptionWorld(t, { timeZone })
  return { world, browser: await signIn(t, await makeOperator(t, world.tenant, role)) }
}

/** Opens the advance's confirmation for these fields and sends it; answers both. */
async function advance(browser: Browser, fields: Record<string, string>) {
  const confirm = await browser.get(`/portal/test-clock/advance?${form(fields)}`)
  expect(confirm.statusCode, confirm.body).toBe(200)
  const idem = hidden(confirm.body, '_idem') as string
  const post = await browser.post('/portal/test-clock/advance', { ...fields, _idem: idem })
  return { confirm: confirm.body, idem, post }
}

describe('the test clock page', () => {
  it('shows the sandbox tenant’s time, and advances by a day once per form', async () => {
    const { world, browser } = await setUp()
    const page = await browser.get('/portal/test-clock')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('<dd>2025-01-15 10:00 UTC</dd>')
    expect(page.body).toContain('href="/portal/test-clock/advance?by=P1D"')
    const { confirm, idem, post } = await advance(browser, { by: 'P1D' })
    expect(confirm).toContain('The clock moves from 2025-01-15 10:00 UTC to 2025-01-16 10:00 UTC')
    expect(confirm).toContain('No scheduled change falls due on the way.')
    expect(post.statusCode, post.body).toBe(303)
    expect(post.headers.location).toBe(
      `/portal/test-clock?from=${encodeURIComponent('2025-01-15T10:00:00.000Z')}&to=${encodeURIComponent('2025-01-16T10:00:00.000Z')}`,
    )
    const twice = await browser.post('/portal/test-clock/advance', { by: 'P1D', _idem: idem })
    expect(twice.headers.location).toBe(post.headers.location)
    expect((await clockOf(world)).now).toBe('2025-01-16T10:00:00.000Z')
    const after = await browser.get(post.headers.location as string)
    expect(after.body).toContain('<dd>2025-01-16 10:00 UTC</dd>')
    expect(after.body).toContain('Nothing was scheduled in that window.')
  })

  it('advances to the start of a day in the tenant’s zone', async () => {
    const { world, browser } = await setUp('operator', 'Europe/Stockholm')
    const { confirm, post } = await advance(browser, { to: '2025-03-01' })
    expect(confirm).toContain('to 2025-03-01 00:00 Europe/Stockholm')
    expect(post.statusCode).toBe(303)
    expect((await clockOf(world)).now).toBe('2025-02-28T23:00:00.000Z')
  })

  it('schedules a downgrade, advances a month, and shows it applied: on the clock page and the timeline', async () => {
    const { world, browser } = await setUp()
    const id = (await makeSubscription(t, world, { productOfferingId: 'mobile-plan-max' })).subscriptionId as string
    const planPath = `/portal/subscriptions/${id}/plan`
    const chosen = await browser.get(`${planPath}?${form({ productOfferingId: 'mobile-plan-basic' })}`)
    expect(chosen.body).toContain('It takes effect on 2025-02-15')
    const scheduled = await browser.post(planPath, {
      productOfferingId: 'mobile-plan-basic',
      _idem: hidden(chosen.body, '_idem') as string,
    })
    expect(scheduled.statusCode).toBe(303)

    const { confirm, post } = await advance(browser, { by: 'P1M' })
    expect(confirm).toContain('1 scheduled change falls due on the way')
    expect(confirm).toMatch(
      /<td>2025-02-15 00:00 UTC<\/td>\s*<td>change product offering<\/td>[\s\S]*<td>PENDING<\/td>/,
    )
    expect(post.statusCode).toBe(303)
    const after = await browser.get(post.headers.location as string)
    expect(after.body).toMatch(/<td>change product offering<\/td>\s*<td><a href="\/portal\/subscriptions\/[^"]+">/)
    expect(after.body).toContain('<td>APPLIED</td>')
    expect((await getSubscription(t, world, id)).productOfferingId).toBe('mobile-plan-basic')

    const html = (await browser.get(`/portal/subscriptions/${id}`)).body
    const timeline = html.slice(html.indexOf('class="timeline"'))
    const applied = timeline.indexOf('product offering changed')
    expect(applied).toBeGreaterThan(-1)
    expect(timeline.slice(applied - 200, applied)).toContain('2025-02-15 00:00 UTC')
    expect(timeline.indexOf('<strong>Now</strong>')).toBeGreaterThan(applied)
    expect(timeline).not.toContain('tl-scheduled')
    const api = await timelineOf(t, world, id)
    expect(api.find((i) => i.kind === 'product_offering_changed')).toMatchObject({ state: 'DONE' })
  })

  it('refuses a step it does not offer (400) and a day not ahead (422), and does not move', async () => {
    const { world, browser } = await setUp()
    const bad = await browser.get('/portal/test-clock/advance?by=P2Y')
    expect(bad.statusCode).toBe(400)
    const past = await browser.get('/portal/test-clock/advance?to=2025-01-10')
    expect(past.statusCode).toBe(422)
    expect(past.body).toContain('test_clock.not_forward')
    expect(past.body).toContain('Test clocks only move forward')
    const confirm = await browser.get('/portal/test-clock/advance?by=P1D')
    const idem = hidden(confirm.body, '_idem') as string
    const posted = await browser.post('/portal/test-clock/advance', { to: '2025-01-01', _idem: idem })
    expect(posted.statusCode).toBe(422)
    expect((await clockOf(world)).now).toBe('2025-01-15T10:00:00.000Z')
  })
})

describe('test clock security', () => {
  it('is for sandbox tenants only: a live tenant gets the API’s 403, in words', async () => {
    const tenant = await t.tenant({ sandbox: false })
    const browser = await signIn(t, await makeOperator(t, tenant, 'admin'))
    for (const url of ['/portal/test-clock', '/portal/test-clock/advance?by=P1D']) {
      const res = await browser.get(url)
      expect(res.statusCode, url).toBe(403)
      expect(res.body).toContain('test_clock.not_sandbox')
    }
    const post = await browser.post('/portal/test-clock/advance', { by: 'P1D', _idem: 'live' })
    expect(post.statusCode).toBe(403)
  })

  it('lets a viewer read the clock but not advance it (403)', async () => {
    const { world, browser } = await setUp('viewer')
    const page = await browser.get('/portal/test-clock')
    expect(page.statusCode).toBe(200)
    expect(page.body).not.toContain('/portal/test-clock/advance')
    expect((await browser.get('/portal/test-clock/advance?by=P1D')).statusCode).toBe(403)
    const post = await browser.post('/portal/test-clock/advance', { by: 'P1D', _idem: 'viewer' })
    expect(post.statusCode).toBe(403)
    expect(post.body).toContain('portal.role_forbidden')
    expect((await clockOf(world)).now).toBe('2025-01-15T10:00:00.000Z')
  })

  it('refuses an advance without its CSRF token, and sends a signed-out browser to sign in', async () => {
    const { world, browser } = await setUp()
    const confirm = await browser.get('/portal/test-clock/advance?by=P1M')
    const idem = hidden(confirm.body, '_idem') as string
    const forged = await browser.post('/portal/test-clock/advance', { by: 'P1M', _idem: idem, _csrf: '' })
    expect(forged.statusCode).toBe(403)
    expect(forged.body).toContain('portal.csrf_failed')
    for (const url of ['/portal/test-clock', '/portal/test-clock/advance?by=P1M']) {
      const res = await t.app.inject({ method: 'GET', url })
      expect(res.statusCode).toBe(303)
      expect(res.headers.location).toBe(`/portal/sign-in?next=${encodeURIComponent(url)}`)
    }
    const signedOut = await t.app.inject({
      method: 'POST',
      url: '/portal/test-clock/advance',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: form({ by: 'P1M', _idem: idem }),
    })
    expect(signedOut.statusCode).toBe(303)
    expect((await clockOf(world)).now).toBe('2025-01-15T10:00:00.000Z')
  })

  it('moves only the operator’s own tenant, and lists only its own changes', async () => {
    const mine = await setUp()
    const theirs = await subscriptionWorld(t)
    const foreign = (await makeSubscription(t, theirs, { productOfferingId: 'mobile-plan-max' })).subscriptionId
    const down = await t.request(theirs.tenant, {
      method: 'PUT',
      url: `/subscriptions/${foreign}/product-offering-change`,
      payload: { productOfferingId: 'mobile-plan-basic' },
    })
    expect(down.statusCode, down.body).toBe(200)
    const { confirm, post } = await advance(mine.browser, { by: 'P1M' })
    expect(confirm).not.toContain(foreign)
    expect(confirm).toContain('No scheduled change falls due on the way.')
    expect(post.statusCode).toBe(303)
    expect((await mine.browser.get(post.headers.location as string)).body).not.toContain(foreign)
    expect((await clockOf(mine.world)).now).toBe('2025-02-15T10:00:00.000Z')
    expect((await clockOf(theirs)).now).toBe('2025-01-15T10:00:00.000Z')
    expect((await getSubscription(t, theirs, foreign)).productOfferingId).toBe('mobile-plan-max')
  })
})
