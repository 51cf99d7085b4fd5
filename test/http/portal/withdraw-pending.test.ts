import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from '../../helpers/portal.js'
import { hidden, makeOperator, signIn } from '../../helpers/portal.js'
import type { World } from '../../helpers/subscriptions.js'
import { act, getSubscription, makeSubscription, subscriptionWorld, timelineOf } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp() // the fake clock starts at 2025-01-15T10:00:00Z
})
afterAll(() => t.close())

/** A subscription on Max with a downgrade at the next renewal and a block at a date, both asked through the API. */
async function setUp(role: 'operator' | 'viewer' | 'admin' = 'operator') {
  const world = await subscriptionWorld(t)
  const id = (await makeSubscription(t, world, { productOfferingId: 'mobile-plan-max' })).subscriptionId as string
  await act(t, world, id, 'PUT', 'product-offering-change', { productOfferingId: 'mobile-plan-basic' })
  await act(t, world, id, 'POST', 'block', { scheduledAt: '2025-01-20', reason: 'late payment' })
  const email = await makeOperator(t, world.tenant, role)
  return { world, id, email, browser: await signIn(t, email), page: `/portal/subscriptions/${id}` }
}

/** Opens a withdrawal's confirmation (expects 200) and sends its form; `again` sends the very same form. */
async function confirm(browser: Browser, path: string) {
  const form = await browser.get(path)
  expect(form.statusCode, form.body).toBe(200)
  const send = () => browser.post(path, { _idem: hidden(form.body, '_idem') as string })
  return { form, first: await send(), again: send }
}

const pendingOf = async (world: World, id: string) => {
  const s = await getSubscription(t, world, id)
  return { status: s.pendingStatus, plan: s.pendingProductOffering?.productOfferingId ?? null }
}

describe('withdrawing a pending change from the subscription page', () => {
  it('withdraws the pending plan change through a confirmation, once, recorded with the operator', async () => {
    const { world, id, email, browser, page } = await setUp()
    const html = (await browser.get(page)).body
    expect(html).toContain(
      `Plan becomes <strong>Basic 5GB</strong> on 2025-02-15 <a href="${page}/withdraw/plan">Withdraw…</a>`,
    )
    expect(html).toContain(`<a href="${page}/withdraw/status">Withdraw…</a>`)

    const form = await browser.get(`${page}/withdraw/plan`)
    expect(form.statusCode, form.body).toBe(200)
    expect(form.body).toContain('<h1 id="confirm-title">Withdraw the change to Basic 5GB on 2025-02-15')
    expect(form.body).toContain('the plan stays Max')
    expect(form.body).toContain('<button type="submit" class="primary">Withdraw</button>')
    // Nothing is withdrawn by the confirmation itself.
    expect((await pendingOf(world, id)).plan).toBe('mobile-plan-basic')
    const again = () => browser.post(`${page}/withdraw/plan`, { _idem: hidden(form.body, '_idem') as string })
    const first = await again()
    expect(first.statusCode, first.body).toBe(303)
    expect(first.headers.location).toBe(page)
    expect(await pendingOf(world, id)).toEqual({
      status: { status: 'BLOCKED', scheduledAt: '2025-01-20' },
      plan: null,
    })
    // The same form again: the first answer, nothing more (a fresh withdrawal would be a 404).
    const twice = await again()
    expect(twice.statusCode).toBe(303)
    expect(twice.headers.location).toBe(page)

    const withdrawn = (await timelineOf(t, world, id)).filter((i) => i.state === 'WITHDRAWN')
    expect(withdrawn.map((i) => i.kind)).toEqual(['change_product_offering'])
    expect(JSON.stringify(withdrawn[0])).toContain(email)
    const after = (await browser.get(page)).body
    expect(after).not.toContain(`${page}/withdraw/plan`)
    expect(after).toMatch(/tl-withdrawn/)
  })

  it('withdraws the pending status change; with nothing pending it is the API’s 404', async () => {
    const { world, id, browser, page } = await setUp()
    const { form, first } = await confirm(browser, `${page}/withdraw/status`)
    expect(form.body).toContain('Withdraw the change to BLOCKED on 2025-01-20?')
    expect(form.body).toContain('it stays ACTIVATED')
    expect(first.statusCode, first.body).toBe(303)
    expect(await pendingOf(world, id)).toEqual({ status: null, plan: 'mobile-plan-basic' })
    const none = await browser.get(`${page}/withdraw/status`)
    expect(none.statusCode).toBe(404)
    expect(none.body).toContain('pending_status.not_found')
    const fresh = hidden(none.body, '_idem')
    expect(fresh).toBeUndefined()
    const post = await browser.post(`${page}/withdraw/status`, { _idem: 'a-new-form' })
    expect(post.statusCode).toBe(404)
    expect(post.body).toContain('pending_status.not_found')
    expect((await browser.get(`${page}/withdraw/other`)).statusCode).toBe(400)
  })

  it('signed out goes to sign-in; a viewer sees no link and gets 403; no CSRF token, no withdrawal; another tenant’s is a 404', async () => {
    const { world, id, page } = await setUp('viewer')
    const path = `${page}/withdraw/plan`
    const signedOut = await t.app.inject({ method: 'GET', url: path })
    expect(signedOut.statusCode).toBe(303)
    expect(signedOut.headers.location).toBe(`/portal/sign-in?next=${encodeURIComponent(path)}`)
    const postSignedOut = await t.app.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: '_csrf=x&_idem=y',
    })
    expect(postSignedOut.statusCode).toBe(303)
    expect(postSignedOut.headers.location).toBe('/portal/sign-in?next=%2Fportal')

    const viewer = await signIn(t, await makeOperator(t, world.tenant, 'viewer'))
    expect((await viewer.get(page)).body).not.toContain('Withdraw…')
    for (const what of ['plan', 'status']) {
      expect((await viewer.get(`${page}/withdraw/${what}`)).statusCode).toBe(403)
      const post = await viewer.post(`${page}/withdraw/${what}`, { _idem: `viewer-${what}` })
      expect(post.statusCode).toBe(403)
      expect(post.body).toContain('portal.role_forbidden')
    }

    const operator = await signIn(t, await makeOperator(t, world.tenant, 'operator'))
    const idem = hidden((await operator.get(path)).body, '_idem') as string
    for (const csrf of ['', viewer.csrf]) {
      const post = await operator.post(path, { _idem: idem, _csrf: csrf })
      expect(post.statusCode).toBe(403)
      expect(post.body).toContain('portal.csrf_failed')
    }

    const stranger = await signIn(t, await makeOperator(t, await t.tenant(), 'admin'))
    expect((await stranger.get(path)).statusCode).toBe(404)
    const foreign = await stranger.post(path, { _idem: 'foreign' })
    expect(foreign.statusCode).toBe(404)
    expect(foreign.body).toContain('subscription.not_found')

    expect(await pendingOf(world, id)).toEqual({
      status: { status: 'BLOCKED', scheduledAt: '2025-01-20' },
      plan: 'mobile-plan-basic',
    })
  })
})
