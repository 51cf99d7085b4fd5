import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stockInventory } from '../../helpers/inventory.js'
import { makeCustomer } from '../../helpers/parties.js'
import type { Browser } from '../../helpers/portal.js'
import { form, hidden, makeOperator, signIn } from '../../helpers/portal.js'
import { orderPortIn, portInItem, portableNumber } from '../../helpers/porting.js'
import type { World } from '../../helpers/subscriptions.js'
import { getSubscription, makeSubscription, subscriptionWorld, timelineOf } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp() // the fake clock starts at 2025-01-15T10:00:00Z
})
afterAll(() => t.close())

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/** A world with a subscription on `plan` and an operator signed in to it. */
async function setUp(plan = 'mobile-plan-max', role: 'operator' | 'viewer' = 'operator') {
  const world = await subscriptionWorld(t)
  const id = (await makeSubscription(t, world, { productOfferingId: plan })).subscriptionId as string
  const email = await makeOperator(t, world.tenant, role)
  return { world, id, email, browser: await signIn(t, email), page: `/portal/subscriptions/${id}` }
}

/** Opens an action's confirmation with these choices (expects 200) and answers its text and form key. */
async function confirm(browser: Browser, path: string, fields: Record<string, string>) {
  const res = await browser.get(`${path}?${form(fields)}`)
  expect(res.statusCode, res.body).toBe(200)
  return { body: res.body, idem: hidden(res.body, '_idem') as string }
}

/** Confirms and sends an action; answers the confirmation's text and the POST's answer. */
async function perform(browser: Browser, path: string, fields: Record<string, string>) {
  const confirmed = await confirm(browser, path, fields)
  const post = await browser.post(path, { ...fields, _idem: confirmed.idem })
  return { ...confirmed, post }
}

const addonsOf = async (world: World, id: string, status = 'status=PENDING&status=ACTIVE&status=CANCELLED') =>
  (await t.request(world.tenant, { method: 'GET', url: `/subscriptions/${id}/addons?${status}` })).json()
    .items as Json[]

async function addAddon(world: World, id: string, productOfferingId = 'addon-data-1gb'): Promise<string> {
  const res = await t.request(world.tenant, {
    method: 'POST',
    url: `/subscriptions/${id}/addons`,
    payload: { productOfferingId },
  })
  expect(res.statusCode, res.body).toBe(201)
  return res.json().subscriptionAddonId
}

describe('the subscription page', () => {
  it('shows add-ons with their statuses, pending plan, status and add-on changes, and the timeline with who did what', async () => {
    const { world, id, email, browser, page } = await setUp()
    const active = await addAddon(world, id)
    const pass = await addAddon(world, id, 'addon-roaming-eu-7d')
    await t.request(world.tenant, {
      method: 'POST',
      url: `/subscriptions/${id}/addons/cancel`,
      payload: { subscriptionAddonId: pass },
    })
    await t.request(world.tenant, {
      method: 'POST',
      url: `/subscriptions/${id}/addons/cancel`,
      payload: { subscriptionAddonId: active, scheduledAt: '2025-03-01' },
    })
    // A downgrade (at the next renewal) and a block at a date, asked for through the portal.
    await perform(browser, `${page}/plan`, { productOfferingId: 'mobile-plan-basic', scheduledAt: '' })
    const block = await t.request(world.tenant, {
      method: 'POST',
      url: `/subscriptions/${id}/block`,
      payload: { scheduledAt: '2025-01-20', reason: 'late payment' },
    })
    expect(block.statusCode, block.body).toBe(200)

    const res = await browser.get(page)
    expect(res.statusCode).toBe(200)
    const html = res.body
    expect(html).toMatch(/<td>Extra 1GB<\/td>\s*<td>ACTIVE<\/td>/)
    expect(html).toMatch(/<td>EU Roaming 7 days<\/td>\s*<td>CANCELLED<\/td>/)
    expect(html).toContain('Plan becomes <strong>Basic 5GB</strong> on 2025-02-15')
    expect(html).toContain('Status becomes <strong>BLOCKED</strong> on 2025-01-20')
    expect(html).toContain('Add-on Extra 1GB becomes <strong>CANCELLED</strong> on 2025-03-01')
    // The timeline: done items, the present, then what is scheduled, each with its actor.
    const items = [...html.matchAll(/<li class="tl-(\w+)[^"]*">[\s\S]*?<\/li>/g)].map((m) => m[0])
    const kinds = items.map((li) => /tl-what">([^<]+)</.exec(li)?.[1] ?? (li.includes('Now') ? 'NOW' : '?'))
    const now = kinds.indexOf('NOW')
    expect(kinds.slice(0, now)).toEqual(
      expect.arrayContaining(['created', 'activated', 'addon activated', 'addon cancelled']),
    )
    expect(kinds.slice(now + 1)).toEqual(['block', 'change product offering'])
    const plan = items.find((li) => li.includes('change product offering')) as string
    expect(plan).toContain('tl-scheduled')
    expect(plan).toContain(`by operator: ${email}`)
    expect(plan).toContain('2025-02-15 00:00 UTC')
    expect(items.find((li) => li.includes('>block<'))).toContain('reason: late payment')
    // The same items as the API's timeline.
    const api = await timelineOf(t, world, id)
    expect(items.length - 1).toBe(api.length)
  })

  it('shows the port-in, the eSIM, and the activation code as a QR code on a page of its own (recorded)', async () => {
    const world = await subscriptionWorld(t)
    await stockInventory(t, world.tenant)
    const msisdn = portableNumber()
    const { subscription } = await orderPortIn(t, world, portInItem(msisdn, { tempNumber: true }))
    const id = subscription.subscriptionId as string
    const email = await makeOperator(t, world.tenant, 'viewer')
    const browser = await signIn(t, email)
    const page = await browser.get(`/portal/subscriptions/${id}`)
    expect(page.body).toContain(`<div><dt>Number</dt><dd>${msisdn}</dd></div>`)
    expect(page.body).toMatch(/<dt>Status<\/dt><dd>PENDING<\/dd>[\s\S]*Port day/)
    expect(page.body).toContain(`eSIM, ICCID <code>${subscription.sim.iccid}</code>`)
    const qr = await browser.get(`/portal/subscriptions/${id}/esim`)
    expect(qr.statusCode, qr.body).toBe(200)
    expect(qr.headers['cache-control']).toBe('no-store')
    expect(qr.body).toMatch(/<img src="data:image\/png;base64,[A-Za-z0-9+/]+=*" width="300"/)
    const api = await t.request(world.tenant, { method: 'GET', url: `/subscriptions/${id}/esim/qrcode` })
    expect(qr.body).toContain(`<code>${api.json().qrCodeData}</code>`)
    const events = await t.request(world.tenant, { method: 'GET', url: '/events?type=sim.qrcode_issued' })
    const issued = (events.json().items as Json[]).map((e) => e.data.issuedTo)
    expect(issued).toContainEqual({ type: 'operator', id: expect.any(String), label: email })
    // A physical SIM has no code: the API's refusal, in words.
    const { browser: other, page: plain } = await setUp()
    const none = await other.get(`${plain}/esim`)
    expect(none.statusCode).toBe(409)
    expect(none.body).toContain('subscription.not_esim')
  })

  it('escapes user text: a customer and subscriber name, a cancellation comment', async () => {
    const world = await subscriptionWorld(t)
    const evil = '<script>alert(1)</script>'
    const customer = await makeCustomer(t, world.tenant, { name: `${evil}Eve` })
    const sub = await makeSubscription(
      t,
      { ...world, customer },
      { subscriber: { name: `"><img src=x onerror=alert(2)>` } },
    )
    const browser = await signIn(t, await makeOperator(t, world.tenant, 'operator'))
    const path = `/portal/subscriptions/${sub.subscriptionId}`
    const fields = { schedule: 'CancelNextDay', reason: 'OTHER', comment: `"><b>${evil}</b>`, date: '' }
    const { body, post } = await perform(browser, `${path}/cancel`, fields)
    expect(body).toContain('value="&quot;&gt;&lt;b&gt;&lt;script&gt;')
    expect(post.statusCode, post.body).toBe(303)
    const page = (await browser.get(path)).body
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;Eve')
    expect(page).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;')
    expect(page).toContain('comment: &quot;&gt;&lt;b&gt;&lt;script&gt;')
    for (const html of [body, page]) {
      expect(html).not.toContain(evil)
      expect(html).not.toContain('<img src=x')
      expect(html).not.toContain('<b><script>')
    }
  })
})

describe('plan changes', () => {
  it('says a downgrade waits for the next renewal, as the API decides, and schedules it once', async () => {
    const { world, id, email, browser, page } = await setUp('mobile-plan-max')
    const chooser = await browser.get(`${page}/plan`)
    expect(chooser.statusCode).toBe(200)
    // The choices are the API's change options, with the API's timing.
    const options = (
      await t.request(world.tenant, { method: 'GET', url: `/subscriptions/${id}/product-offering-options` })
    ).json().items as Json[]
    for (const o of options) expect(chooser.body).toContain(`value="${o.productOfferingId}"`)
    expect(chooser.body).toContain('downgrade, at the next renewal (2025-02-15)')
    const fields = { productOfferingId: 'mobile-plan-plus', scheduledAt: '' }
    const { body, idem, post } = await perform(browser, `${page}/plan`, fields)
    expect(body).toContain('The plan becomes Plus 20GB; until then it stays Max 100GB.')
    expect(body).toContain('It takes effect on 2025-02-15')
    // The confirmation changed nothing (a rolled-back preview) before the POST.
    expect(post.statusCode, post.body).toBe(303)
    expect(post.headers.location).toBe(page)
    const twice = await browser.post(`${page}/plan`, { ...fields, _idem: idem })
    expect(twice.statusCode).toBe(303)
    const after = await getSubscription(t, world, id)
    expect(after.productOfferingId).toBe('mobile-plan-max')
    expect(after.pendingProductOffering).toMatchObject({
      productOfferingId: 'mobile-plan-plus',
      scheduledAt: '2025-02-15',
    })
    const scheduled = (await timelineOf(t, world, id)).filter((i) => i.kind === 'change_product_offering')
    expect(scheduled).toHaveLength(1)
    expect(scheduled[0]).toMatchObject({ state: 'SCHEDULED', actor: { type: 'operator', label: email } })
  })

  it('previews without writing: an upgrade is "now", and only the POST makes it', async () => {
    const { world, id, browser, page } = await setUp('mobile-plan-basic')
    const before = await timelineOf(t, world, id)
    const { body, idem } = await confirm(browser, `${page}/plan`, { productOfferingId: 'mobile-plan-plus' })
    expect(body).toContain('The plan becomes Plus 20GB. It takes effect now.')
    expect((await getSubscription(t, world, id)).productOfferingId).toBe('mobile-plan-basic')
    expect(await timelineOf(t, world, id)).toEqual(before)
    const post = await browser.post(`${page}/plan`, { productOfferingId: 'mobile-plan-plus', _idem: idem })
    expect(post.statusCode).toBe(303)
    expect((await getSubscription(t, world, id)).productOfferingId).toBe('mobile-plan-plus')
  })

  it('shows a refusal in the API’s words, on the form and on a POST, and writes nothing', async () => {
    const { world, id, browser, page } = await setUp('mobile-plan-basic')
    const refused = await browser.get(`${page}/plan?${form({ productOfferingId: 'addon-data-1gb' })}`)
    expect(refused.statusCode).toBe(422)
    expect(refused.body).toContain('subscription.offering_incompatible')
    expect(refused.body).toContain('is not a plan this subscription can change to')
    expect(refused.body).toContain('<select id="f-productOfferingId"')
    const past = await browser.get(
      `${page}/plan?${form({ productOfferingId: 'mobile-plan-plus', scheduledAt: '2025-01-01' })}`,
    )
    expect(past.statusCode).toBe(422)
    expect(past.body).toContain('schedule.date_in_past')
    const { idem } = await confirm(browser, `${page}/plan`, { productOfferingId: 'mobile-plan-plus' })
    const posted = await browser.post(`${page}/plan`, {
      productOfferingId: 'mobile-plan-max',
      scheduledAt: '2024-12-01',
      _idem: idem,
    })
    expect(posted.statusCode).toBe(422)
    expect(posted.body).toContain('scheduledAt 2024-12-01 is before today')
    expect((await getSubscription(t, world, id)).productOfferingId).toBe('mobile-plan-basic')
    // The refusal released the key: the corrected form goes through.
    const fixed = await browser.post(`${page}/plan`, { productOfferingId: 'mobile-plan-plus', _idem: idem })
    expect(fixed.statusCode).toBe(303)
    expect((await getSubscription(t, world, id)).productOfferingId).toBe('mobile-plan-plus')
  })
})

describe('cancelling the subscription', () => {
  it('at a date: says when, schedules it; now: ends it', async () => {
    const { world, id, browser, page } = await setUp()
    const later = { schedule: 'CancelAtDate', date: '2025-02-03', reason: 'NO_NEED', comment: '' }
    const { body, post } = await perform(browser, `${page}/cancel`, later)
    expect(body).toContain('It takes effect on 2025-02-03')
    expect(post.statusCode).toBe(303)
    expect((await getSubscription(t, world, id)).pendingStatus).toEqual({
      status: 'CANCELLED',
      scheduledAt: '2025-02-03',
    })
    expect((await browser.get(page)).body).not.toContain('Cancel the subscription…')

    const second = await setUp()
    const now = await perform(second.browser, `${second.page}/cancel`, { schedule: 'CancelNow', reason: 'FRAUD' })
    expect(now.body).toContain('The subscription ends now')
    expect(now.post.statusCode).toBe(303)
    expect((await getSubscription(t, second.world, second.id)).status).toBe('CANCELLED')
  })

  it('refuses OTHER without a comment and a day-less CancelAtDate, in plain words', async () => {
    const { world, id, browser, page } = await setUp()
    const other = await browser.get(`${page}/cancel?${form({ schedule: 'CancelNow', reason: 'OTHER' })}`)
    expect(other.statusCode).toBe(422)
    expect(other.body).toContain('A cancellation with reason OTHER needs a comment saying why.')
    const noDay = await browser.get(`${page}/cancel?${form({ schedule: 'CancelAtDate', reason: 'NO_NEED' })}`)
    expect(noDay.statusCode).toBe(400)
    expect(noDay.body).toContain('Pick the day it should take effect')
    expect((await browser.get(`${page}/cancel?schedule=Sometime&reason=NO_NEED`)).statusCode).toBe(400)
    expect((await getSubscription(t, world, id)).status).toBe('ACTIVATED')
  })
})

describe('add-on actions', () => {
  it('adds an add-on now from the plan’s options, once per form', async () => {
    const { world, id, browser, page } = await setUp()
    const chooser = await browser.get(`${page}/addons/add`)
    const options = (await t.request(world.tenant, { method: 'GET', url: `/subscriptions/${id}/addon-options` })).json()
      .items as Json[]
    const offered = [...chooser.body.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1])
    for (const o of options) expect(offered).toContain(o.productOfferingId)
    expect(offered).not.toContain('topup-data-2gb')
    const fields = { productOfferingId: 'addon-data-5gb', when: 'now', scheduledAt: '' }
    const { body, idem, post } = await perform(browser, `${page}/addons/add`, fields)
    expect(body).toContain('Extra 5GB is added and active. It takes effect now.')
    expect(post.statusCode).toBe(303)
    const twice = await browser.post(`${page}/addons/add`, { ...fields, _idem: idem })
    expect(twice.statusCode).toBe(303)
    expect(twice.headers.location).toBe(post.headers.location)
    const added = await addonsOf(world, id)
    expect(added.map((a) => [a.productOfferingId, a.status])).toEqual([['addon-data-5gb', 'ACTIVE']])
    // A second one of a kind the plan takes once: the API's refusal.
    const again = await browser.get(`${page}/addons/add?${form(fields)}`)
    expect(again.statusCode).toBe(422)
    expect(again.body).toContain('addon.')
  })

  it('adds from a day: PENDING with its date, and the date is required', async () => {
    const { world, id, browser, page } = await setUp()
    const fields = { productOfferingId: 'addon-data-1gb', when: 'date', scheduledAt: '2025-01-20' }
    const { body, post } = await perform(browser, `${page}/addons/add`, fields)
    expect(body).toContain('It takes effect on 2025-01-20')
    expect(post.statusCode).toBe(303)
    const [addon] = await addonsOf(world, id)
    expect(addon).toMatchObject({ status: 'PENDING', pendingStatus: { status: 'ACTIVE', scheduledAt: '2025-01-20' } })
    const missing = await browser.get(`${page}/addons/add?${form({ ...fields, scheduledAt: '' })}`)
    expect(missing.statusCode).toBe(400)
  })

  it('changes an add-on: an upgrade now, a downgrade at the add-on’s next renewal', async () => {
    const { world, id, browser, page } = await setUp()
    const addon = await addAddon(world, id, 'addon-data-5gb')
    const path = `${page}/addons/${addon}/change`
    const chooser = await browser.get(path)
    expect(chooser.body).toContain('Extra 5GB (ACTIVE)')
    expect(chooser.body).toContain('Extra 10GB (25 USD every month): upgrade, now')
    expect(chooser.body).toContain('Extra 1GB (5 USD every month): downgrade, at the next renewal (2025-02-15)')
    const down = await perform(browser, path, { productOfferingId: 'addon-data-1gb' })
    expect(down.body).toContain(
      'The add-on becomes Extra 1GB; until then it stays Extra 5GB. It takes effect on 2025-02-15',
    )
    expect(down.post.statusCode).toBe(303)
    const [pending] = await addonsOf(world, id)
    expect(pending?.pendingProductOffering).toMatchObject({
      productOfferingId: 'addon-data-1gb',
      scheduledAt: '2025-02-15',
    })
    const up = await perform(browser, path, { productOfferingId: 'addon-data-10gb' })
    expect(up.body).toContain('The add-on becomes Extra 10GB. It takes effect now.')
    expect(up.post.statusCode).toBe(303)
    expect((await addonsOf(world, id))[0]?.productOfferingId).toBe('addon-data-10gb')
  })

  it('cancels an add-on at a day or now', async () => {
    const { world, id, browser, page } = await setUp()
    const addon = await addAddon(world, id)
    const path = `${page}/addons/${addon}/cancel`
    const later = await perform(browser, path, { when: 'date', scheduledAt: '2025-02-01' })
    expect(later.body).toContain('Extra 1GB stays ACTIVE until then. It takes effect on 2025-02-01')
    expect(later.post.statusCode).toBe(303)
    expect((await addonsOf(world, id))[0]?.pendingStatus).toEqual({ status: 'CANCELLED', scheduledAt: '2025-02-01' })
    const now = await perform(browser, path, { when: 'now', scheduledAt: '' })
    expect(now.body).toContain('Extra 1GB ends. It takes effect now.')
    expect(now.post.statusCode).toBe(303)
    expect((await addonsOf(world, id))[0]?.status).toBe('CANCELLED')
    // Cancelled: nothing left to cancel, said as the API says it.
    const gone = await browser.get(`${path}?when=now`)
    expect(gone.statusCode).toBe(422)
    expect(gone.body).toContain('addon.not_found')
  })
})

describe('security', () => {
  const actions = (page: string, addon: string): { path: string; fields: Record<string, string> }[] => [
    { path: `${page}/plan`, fields: { productOfferingId: 'mobile-plan-plus' } },
    { path: `${page}/cancel`, fields: { schedule: 'CancelNow', reason: 'NO_NEED' } },
    { path: `${page}/addons/add`, fields: { productOfferingId: 'addon-data-5gb', when: 'now' } },
    { path: `${page}/addons/${addon}/change`, fields: { productOfferingId: 'addon-data-5gb' } },
    { path: `${page}/addons/${addon}/cancel`, fields: { when: 'now' } },
  ]

  it('sends a signed-out browser to sign in, for every page and action, and runs nothing', async () => {
    const { world, id, page } = await setUp()
    const addon = await addAddon(world, id)
    const pages: { path: string; fields: Record<string, string> }[] = [
      { path: page, fields: {} },
      { path: `${page}/esim`, fields: {} },
      { path: `${page}/plan`, fields: {} },
      ...actions(page, addon),
    ]
    for (const { path, fields } of pages) {
      const url = Object.keys(fields).length > 0 ? `${path}?${form(fields)}` : path
      const res = await t.app.inject({ method: 'GET', url })
      expect(res.statusCode, url).toBe(303)
      expect(res.headers.location).toBe(`/portal/sign-in?next=${encodeURIComponent(url)}`)
    }
    for (const { path, fields } of actions(page, addon)) {
      const post = await t.app.inject({
        method: 'POST',
        url: path,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: form({ ...fields, _idem: 'signed-out' }),
      })
      expect(post.statusCode, path).toBe(303)
      expect(post.headers.location).toBe('/portal/sign-in?next=%2Fportal')
    }
    expect((await getSubscription(t, world, id)).status).toBe('ACTIVATED')
    expect(await addonsOf(world, id, 'status=ACTIVE')).toHaveLength(1)
  })

  it('lets a viewer read the page but neither open nor send an action (403), and shows no action links', async () => {
    const { world, id, browser, page } = await setUp('mobile-plan-max', 'viewer')
    const addon = await addAddon(world, id)
    const html = (await browser.get(page)).body
    for (const link of ['Change the plan…', 'Cancel the subscription…', 'Add an add-on…', 'Change…', 'Cancel…'])
      expect(html).not.toContain(link)
    for (const { path, fields } of actions(page, addon)) {
      const open = await browser.get(`${path}?${form(fields)}`)
      expect(open.statusCode, path).toBe(403)
      const post = await browser.post(path, { ...fields, _idem: `viewer-${path}` })
      expect(post.statusCode, path).toBe(403)
      expect(post.body).toContain('portal.role_forbidden')
    }
    const after = await getSubscription(t, world, id)
    expect(after).toMatchObject({
      status: 'ACTIVATED',
      productOfferingId: 'mobile-plan-max',
      pendingProductOffering: null,
    })
    expect((await addonsOf(world, id)).map((a) => a.status)).toEqual(['ACTIVE'])
  })

  it('refuses a POST without its CSRF token, or with another session’s, and runs nothing', async () => {
    const { world, id, browser, page } = await setUp()
    const addon = await addAddon(world, id)
    const stranger = await signIn(t, await makeOperator(t, world.tenant, 'operator'))
    for (const { path, fields } of actions(page, addon)) {
      const { idem } = await confirm(browser, path, fields)
      for (const csrf of ['', stranger.csrf]) {
        const post = await browser.post(path, { ...fields, _idem: idem, _csrf: csrf })
        expect(post.statusCode, path).toBe(403)
        expect(post.body).toContain('portal.csrf_failed')
      }
    }
    const after = await getSubscription(t, world, id)
    expect(after).toMatchObject({ status: 'ACTIVATED', pendingProductOffering: null, pendingStatus: null })
    expect((await addonsOf(world, id)).map((a) => a.status)).toEqual(['ACTIVE'])
  })

  it('answers 404 for another tenant’s subscription, its add-on and its actions, and changes nothing', async () => {
    const { world, id, page } = await setUp()
    const addon = await addAddon(world, id)
    const other = await setUp()
    for (const path of [page, `${page}/esim`]) expect((await other.browser.get(path)).statusCode, path).toBe(404)
    for (const { path, fields } of actions(page, addon)) {
      const open = await other.browser.get(`${path}?${form(fields)}`)
      expect(open.statusCode, path).toBe(404)
      expect(open.body).not.toContain('Extra 1GB')
      const post = await other.browser.post(path, { ...fields, _idem: `foreign-${path}` })
      expect(post.statusCode, path).toBe(404)
    }
    // Their own subscription with the other tenant's add-on id: not theirs either.
    const crossed = await other.browser.get(`${other.page}/addons/${addon}/cancel?when=now`)
    expect([404, 422]).toContain(crossed.statusCode)
    expect((await getSubscription(t, world, id)).status).toBe('ACTIVATED')
    expect((await addonsOf(world, id)).map((a) => a.status)).toEqual(['ACTIVE'])
  })
})
