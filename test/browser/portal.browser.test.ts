import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { makeCustomer } from '../helpers/parties.js'
import { makeSubscription } from '../helpers/subscriptions.js'
import type { World } from '../helpers/subscriptions.js'
import {
  describeBrowser,
  focusedId,
  launchBrowser,
  newPage,
  outlineOf,
  pageWidths,
  screenshot,
  signIn,
  startPortal,
  submitSignIn,
} from './harness.js'
import type { Portal } from './harness.js'

/** `+17770000001` as a person writes it: `+1 777 000 0001`. */
const spaced = (msisdn: string): string => msisdn.replace(/^\+1(\d{3})(\d{3})(\d{4})$/, '+1 $1 $2 $3')

/** The value shown beside a label in a page's `<dl class="counts">`. */
const shown = (page: Page, label: string) =>
  page.locator('.counts div', { has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd')

describeBrowser('the portal in a browser', () => {
  let portal: Portal
  let browser: Browser
  /** Lines on the demo tenant, each with a customer of its own (names that read well in the screenshots). */
  const lines: Record<string, unknown>[] = []

  beforeAll(async () => {
    browser = await launchBrowser()
    portal = await startPortal()
    for (const name of ['Ada Lovelace', 'Ada Byron', 'Grace Hopper', 'Alan Turing']) {
      const world: World = { tenant: portal.demo, customer: await makeCustomer(portal.t, portal.demo, { name }) }
      lines.push(await makeSubscription(portal.t, world, { subscriber: { name } }))
    }
  })
  afterAll(async () => {
    await browser?.close()
    await portal?.close()
  })

  /** A fresh context signed in as the demo operator. */
  async function signedIn(): Promise<Page> {
    const { page } = await newPage(browser, portal.baseUrl)
    await signIn(page, portal.baseUrl, portal.login)
    return page
  }

  it('signs in with the demo login; a wrong password shows the error and no session', async () => {
    const { page } = await newPage(browser, portal.baseUrl)
    await page.goto('/portal')
    await page.waitForURL((url) => url.pathname === '/portal/sign-in')
    await screenshot(page, 'sign-in')
    await submitSignIn(page, portal.baseUrl, { email: portal.login.email, password: 'not the password at all' })
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('The e-mail address or the password is wrong.')
    expect(new URL(page.url()).pathname).toBe('/portal/sign-in')
    expect((await page.context().cookies()).map((c) => c.name)).not.toContain('ol_portal_session')
    await signIn(page, portal.baseUrl, portal.login)
    await expect.poll(() => page.locator('.operator').textContent()).toBe(portal.login.email)
    await expect.poll(() => shown(page, 'Subscriptions ACTIVATED').textContent()).toBe(String(lines.length))
    await screenshot(page, 'home')
  })

  it('finds a subscription by its number typed with spaces and opens its page', async () => {
    const page = await signedIn()
    const line = lines[0] as { msisdn: string; subscriptionId: string }
    expect(spaced(line.msisdn)).not.toBe(line.msisdn)
    await page.getByRole('searchbox', { name: 'Search' }).fill(spaced(line.msisdn))
    await page.getByRole('searchbox', { name: 'Search' }).press('Enter')
    await page.waitForURL((url) => url.pathname === `/portal/subscriptions/${line.subscriptionId}`)
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(`Subscription ${line.msisdn}`)
    await expect.poll(() => shown(page, 'Customer').textContent()).toBe('Ada Lovelace')
    await screenshot(page, 'subscription')

    // Several hits are listed: both Adas.
    await page.getByRole('searchbox', { name: 'Search' }).fill('Ada')
    await page.getByRole('button', { name: 'Search' }).click()
    await page.waitForURL((url) => url.pathname === '/portal/search')
    await expect.poll(() => page.locator('main tbody tr').count()).toBe(2)
    await screenshot(page, 'search')

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Subscriptions' }).click()
    await page.waitForURL((url) => url.pathname === '/portal/subscriptions')
    for (const other of lines as { msisdn: string }[])
      await expect.poll(() => page.getByRole('link', { name: other.msisdn }).count()).toBe(1)
    await screenshot(page, 'subscriptions')
  })

  it('blocks and unblocks a subscription through the confirmation, showing the new status', async () => {
    const page = await signedIn()
    const line = lines[3] as { subscriptionId: string }
    await page.goto(`/portal/subscriptions/${line.subscriptionId}`)
    await expect.poll(() => shown(page, 'Status').textContent()).toBe('ACTIVATED')

    await page.getByRole('link', { name: 'Block…' }).click()
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Block this subscription?')
    await screenshot(page, 'block-confirm')
    await page.getByRole('button', { name: 'Block', exact: true }).click()
    await page.waitForURL((url) => url.pathname === `/portal/subscriptions/${line.subscriptionId}`)
    await expect.poll(() => shown(page, 'Status').textContent()).toBe('BLOCKED')
    const api = await portal.t.request(portal.demo, { method: 'GET', url: `/subscriptions/${line.subscriptionId}` })
    expect(api.json().status).toBe('BLOCKED')

    await page.getByRole('link', { name: 'Unblock…' }).click()
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Unblock this subscription?')
    await page.getByRole('button', { name: 'Unblock', exact: true }).click()
    await page.waitForURL((url) => url.pathname === `/portal/subscriptions/${line.subscriptionId}`)
    await expect.poll(() => shown(page, 'Status').textContent()).toBe('ACTIVATED')
    expect(await page.getByRole('link', { name: 'Block…' }).count()).toBe(1)
  })

  it('reaches the search box with Tab, with a visible focus outline', async () => {
    const page = await signedIn()
    const outline = () => outlineOf(page.locator('#q'))
    const unfocused = await outline()
    let reached = false
    for (let presses = 0; presses < 30 && !reached; presses++) {
      await page.keyboard.press('Tab')
      reached = (await focusedId(page)) === 'q'
    }
    expect(reached, 'Tab never reached the search box').toBe(true)
    const focused = await outline()
    expect(focused).toEqual({ style: 'solid', width: '3px', color: 'rgb(255, 191, 71)' })
    expect(unfocused.style).not.toBe('solid')
  })

  it('has no horizontal scroll at 1024 px wide', async () => {
    const page = await signedIn()
    await page.setViewportSize({ width: 1024, height: 768 })
    const line = lines[1] as { subscriptionId: string }
    for (const path of [
      '/portal',
      '/portal/search?q=Ada',
      '/portal/subscriptions',
      `/portal/subscriptions/${line.subscriptionId}`,
      `/portal/subscriptions/${line.subscriptionId}/block`,
    ]) {
      const answer = await page.goto(path)
      expect(answer?.status(), path).toBe(200)
      const sizes = await pageWidths(page)
      expect(sizes.clientWidth, path).toBe(1024)
      expect(sizes.scrollWidth, path).toBeLessThanOrEqual(sizes.clientWidth)
    }
  })
})
