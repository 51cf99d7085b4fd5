import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { makeCustomer } from '../helpers/parties.js'
import { makeSubscription } from '../helpers/subscriptions.js'
import { describeBrowser, launchBrowser, newPage, screenshot, signIn, startPortal } from './harness.js'
import type { Portal } from './harness.js'

type Line = { subscriptionId: string; msisdn: string }

/** The value shown beside a label in a page's `<dl class="counts">`. */
const shown = (page: Page, label: string) =>
  page.locator('.counts div', { has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd')

/** The drawn timeline's marks, in order: `{what, state}` for items, `{what: 'Now'}` for the present. */
const timelineMarks = (page: Page) =>
  page.locator('ol.timeline > li').evaluateAll((items) =>
    items.map((li) => ({
      what: (li.querySelector('.tl-what') ?? li.querySelector('strong'))?.textContent ?? '',
      state: li.querySelector('.tl-state')?.textContent ?? null,
      details: li.querySelector('.tl-details')?.textContent ?? null,
    })),
  )

describeBrowser('subscription flows of the portal in a browser', () => {
  let portal: Portal
  let browser: Browser
  /** A line on Plus 20GB (for the add-on) and one on Max 100GB (for the downgrade), on the demo tenant. */
  let plus: Line
  let max: Line

  beforeAll(async () => {
    browser = await launchBrowser()
    portal = await startPortal() // the fake clock starts at 2025-01-15T10:00:00Z: next renewals on 2025-02-15
    const world = {
      tenant: portal.demo,
      customer: await makeCustomer(portal.t, portal.demo, { name: 'Katherine Johnson' }),
    }
    plus = (await makeSubscription(portal.t, world, { subscriber: { name: 'Katherine Johnson' } })) as unknown as Line
    max = (await makeSubscription(portal.t, world, {
      productOfferingId: 'mobile-plan-max',
      subscriber: { name: 'Dorothy Vaughan' },
    })) as unknown as Line
  })
  afterAll(async () => {
    await browser?.close()
    await portal?.close()
  })

  async function signedIn(): Promise<Page> {
    const { page } = await newPage(browser, portal.baseUrl)
    await signIn(page, portal.baseUrl, portal.login)
    return page
  }

  /** Types the number in the search box on the current page; one hit opens the subscription. */
  async function findLine(page: Page, line: Line): Promise<void> {
    await page.getByRole('searchbox', { name: 'Search' }).fill(line.msisdn)
    await page.getByRole('button', { name: 'Search' }).click()
    await page.waitForURL((url) => url.pathname === `/portal/subscriptions/${line.subscriptionId}`)
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(`Subscription ${line.msisdn}`)
  }

  it('finds a line by its MSISDN, adds a data add-on now, and shows it on the subscription', async () => {
    const page = await signedIn()
    await findLine(page, plus)
    expect(await page.getByText('No add-ons.').count()).toBe(1)

    await page.getByRole('link', { name: 'Add an add-on…' }).click()
    await page.getByRole('heading', { name: 'Add an add-on', level: 1 }).waitFor()
    const extra = (
      (await page.getByLabel('Add-on').locator('option', { hasText: 'Extra 5GB' }).textContent()) ?? ''
    ).trim()
    expect(extra).toMatch(/^Extra 5GB \(/)
    await page.getByLabel('Add-on').selectOption({ label: extra })
    await page.getByLabel('When').selectOption({ label: 'Now' })
    await page.getByRole('button', { name: 'Continue…' }).click()

    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Add this add-on?')
    await expect
      .poll(() => page.locator('.confirm p').first().textContent())
      .toContain('Extra 5GB is added and active.')
    await screenshot(page, 'addon-confirm')
    await page.getByRole('button', { name: 'Add the add-on', exact: true }).click()
    await page.waitForURL((url) => url.pathname === `/portal/subscriptions/${plus.subscriptionId}`)

    const row = page.locator('section[aria-labelledby="addons"] tbody tr')
    await expect.poll(() => row.count()).toBe(1)
    expect(await row.locator('td').nth(0).textContent()).toBe('Extra 5GB')
    expect(await row.locator('td').nth(1).textContent()).toBe('ACTIVE')
    await screenshot(page, 'subscription-addon')

    const api = await portal.t.request(portal.demo, {
      method: 'GET',
      url: `/subscriptions/${plus.subscriptionId}/addons`,
    })
    const items = api.json().items as { productOfferingId: string; status: string }[]
    expect(items.map((a) => [a.productOfferingId, a.status])).toEqual([['addon-data-5gb', 'ACTIVE']])
  })

  it('schedules a downgrade, advances the test clock a month, and shows it applied on the timeline', async () => {
    const page = await signedIn()
    await findLine(page, max)
    await expect.poll(() => shown(page, 'Plan').textContent()).toBe('Max 100GB')

    await page.getByRole('link', { name: 'Change the plan…' }).click()
    await page.getByRole('heading', { name: 'Change the plan', level: 1 }).waitFor()
    const basic = (
      (await page.getByLabel('New plan').locator('option', { hasText: 'Basic 5GB' }).textContent()) ?? ''
    ).trim()
    expect(basic).toMatch(/: downgrade, at the next renewal \(2025-02-15\)$/)
    await page.getByLabel('New plan').selectOption({ label: basic })
    await page.getByRole('button', { name: 'Continue…' }).click()
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Change the plan?')
    await expect.poll(() => page.locator('.confirm p').first().textContent()).toContain('It takes effect on 2025-02-15')
    await page.getByRole('button', { name: 'Change the plan', exact: true }).click()
    await page.waitForURL((url) => url.pathname === `/portal/subscriptions/${max.subscriptionId}`)

    // Scheduled: pending, and on the timeline after the "now" mark.
    await expect
      .poll(() => page.locator('section[aria-labelledby="pending"] li').first().textContent())
      .toMatch(/^Plan becomes Basic 5GB on 2025-02-15/)
    const before = await timelineMarks(page)
    const now = before.findIndex((m) => m.what === 'Now')
    const scheduled = before.findIndex((m) => m.state === 'SCHEDULED')
    expect(scheduled, JSON.stringify(before)).toBeGreaterThan(now)
    expect(before[scheduled]?.what).toBe('change product offering')

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Test clock' }).click()
    await page.getByRole('heading', { name: 'Test clock', level: 1 }).waitFor()
    await expect.poll(() => shown(page, 'Today').textContent()).toBe('2025-01-15')
    await page.getByRole('link', { name: 'By a month…' }).click()
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Advance the test clock?')
    await expect.poll(() => page.locator('.confirm p').first().textContent()).toContain('1 scheduled change falls due')
    await page.getByRole('button', { name: 'Advance', exact: true }).click()

    await page.waitForURL((url) => url.pathname === '/portal/test-clock' && url.searchParams.has('to'))
    await expect.poll(() => shown(page, 'Today').textContent()).toBe('2025-02-15')
    const applied = page.locator('section[aria-labelledby="applied"] tbody tr')
    await expect.poll(() => applied.count()).toBe(1)
    expect(await applied.locator('td').nth(1).textContent()).toBe('change product offering')
    expect(await applied.locator('td').nth(3).textContent()).toBe('APPLIED')
    await screenshot(page, 'test-clock')

    await applied.getByRole('link', { name: 'subscription' }).click()
    await page.waitForURL((url) => url.pathname === `/portal/subscriptions/${max.subscriptionId}`)
    await expect.poll(() => shown(page, 'Plan').textContent()).toBe('Basic 5GB')
    expect(await page.getByText('Nothing is scheduled.').count()).toBe(1)
    const after = await timelineMarks(page)
    const changed = after.findIndex((m) => m.what === 'product offering changed')
    expect(changed, JSON.stringify(after)).toBeGreaterThan(-1)
    expect(after[changed]?.state).toBe('DONE')
    expect(changed).toBeLessThan(after.findIndex((m) => m.what === 'Now'))
    expect(after.some((m) => m.state === 'SCHEDULED')).toBe(false)
    await page.locator('section[aria-labelledby="timeline"]').scrollIntoViewIfNeeded()
    await screenshot(page, 'subscription-timeline')
  })
})
