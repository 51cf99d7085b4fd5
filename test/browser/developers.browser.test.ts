import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { Receiver, testDispatcher } from '../helpers/webhooks.js'
import { describeBrowser, launchBrowser, newPage, screenshot, signIn, startPortal } from './harness.js'
import type { Portal } from './harness.js'

/** The value shown beside a label in a page's `<dl class="counts">`. */
const shown = (page: Page, label: string) =>
  page.locator('.counts div', { has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd')

/** The `.counts` values wider than their box (a long word drawn over the next box), by their text. */
const overflowing = (page: Page) =>
  page
    .locator('.counts dd')
    .evaluateAll((values) => values.filter((dd) => dd.scrollWidth > dd.clientWidth).map((dd) => dd.textContent))

describeBrowser('the portal’s Developers pages in a browser', () => {
  let portal: Portal
  let browser: Browser
  let receiver: Receiver

  beforeAll(async () => {
    browser = await launchBrowser()
    portal = await startPortal()
    receiver = await Receiver.start()
  })
  afterAll(async () => {
    await receiver?.close()
    await browser?.close()
    await portal?.close()
  })

  /** A fresh context signed in as the demo operator, on the Developers area's `section` (its sub-navigation). */
  async function developers(section: 'API keys' | 'Webhooks'): Promise<Page> {
    const { page } = await newPage(browser, portal.baseUrl)
    await signIn(page, portal.baseUrl, portal.login)
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Developers' }).click()
    await page.waitForURL((url) => url.pathname === '/portal/developers')
    await page.getByRole('navigation', { name: 'Developers' }).getByRole('link', { name: section }).click()
    await page
      .getByRole('heading', { name: section === 'Webhooks' ? 'Webhook endpoints' : section, level: 1 })
      .waitFor()
    return page
  }

  /** `GET /subscriptions` over HTTP on the portal's own server, with `key`: what a client of the API gets. */
  const apiStatus = async (key: string): Promise<number> =>
    (await fetch(`${portal.baseUrl}/subscriptions`, { headers: { 'x-api-key': key } })).status

  it('creates an API key with scopes, shows its secret once, revokes it, and the API then answers 401', async () => {
    const page = await developers('API keys')
    await page.getByRole('link', { name: 'New API key…' }).click()
    await page.getByLabel('Name').fill('Billing sync')
    // `read` comes ticked; add `write`.
    expect(await page.getByRole('checkbox', { name: /^read / }).isChecked()).toBe(true)
    await page.getByRole('checkbox', { name: /^write / }).check()
    await page.getByRole('button', { name: 'Create key' }).click()
    await page.getByRole('heading', { name: 'API key created', level: 1 }).waitFor()
    const secret = ((await page.locator('#secret-value').textContent()) ?? '').trim()
    expect(secret).toMatch(/^ol_sandbox_/)
    await screenshot(page, 'api-key-secret')
    expect(await apiStatus(secret)).toBe(200)

    // Reloading sends the same form again: it lands on the key's page, without the secret.
    await page.reload()
    await page.getByRole('heading', { name: 'API key Billing sync', level: 1 }).waitFor()
    const keyPath = new URL(page.url()).pathname
    expect(keyPath).toMatch(/^\/portal\/developers\/api-keys\/[0-9a-f-]{36}$/)
    expect(await page.locator('#secret-value').count()).toBe(0)
    expect(await page.content()).not.toContain(secret)
    await expect.poll(() => shown(page, 'Scopes').textContent()).toBe('read, write')
    await expect.poll(() => shown(page, 'Status').textContent()).toBe('active')

    // The list shows it once, with its last four characters only.
    await page.getByRole('navigation', { name: 'Developers' }).getByRole('link', { name: 'API keys' }).click()
    await page.getByRole('heading', { name: 'API keys', level: 1 }).waitFor()
    const row = page.locator('main tbody tr', { has: page.getByRole('link', { name: 'Billing sync' }) })
    await expect.poll(() => row.count()).toBe(1)
    expect(await row.locator('td').nth(1).textContent()).toContain(secret.slice(-4))
    expect(await page.content()).not.toContain(secret)
    await screenshot(page, 'api-keys')

    await row.getByRole('link', { name: 'Billing sync' }).click()
    await page.waitForURL((url) => url.pathname === keyPath)
    await page.getByRole('link', { name: 'Revoke…' }).click()
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe('Revoke the API key “Billing sync”?')
    await page.getByRole('button', { name: 'Revoke', exact: true }).click()
    await page.waitForURL((url) => url.pathname === keyPath)
    await expect.poll(() => shown(page, 'Status').textContent()).toMatch(/^revoked /)
    expect(await page.getByRole('link', { name: 'Revoke…' }).count()).toBe(0)

    expect(await apiStatus(secret)).toBe(401)
    // The demo key, on the same server, still works.
    expect(await apiStatus(portal.apiKey)).toBe(200)
  })

  it('registers a webhook endpoint to a local receiver, sends a test event, and shows the delivery and its attempt', async () => {
    const page = await developers('Webhooks')
    await page.getByRole('link', { name: 'New endpoint…' }).click()
    await page.getByLabel('URL').fill(receiver.url)
    await page.getByLabel('Description').fill('Local receiver')
    await page.getByRole('button', { name: 'Register endpoint' }).click()
    await page.getByRole('heading', { name: 'Webhook endpoint registered', level: 1 }).waitFor()
    const secret = ((await page.locator('#secret-value').textContent()) ?? '').trim()
    expect(secret).toMatch(/^whsec_/)
    await page.getByRole('link', { name: 'Done' }).click()
    await page.getByRole('heading', { name: `Webhook endpoint ${receiver.url}`, level: 1 }).waitFor()
    const endpointPath = new URL(page.url()).pathname
    await expect.poll(() => shown(page, 'Status').textContent()).toBe('enabled')
    expect(await page.getByText('No deliveries yet.').count()).toBe(1)

    await page.getByRole('link', { name: 'Send test event…' }).click()
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe(`Send a test event to ${receiver.url}?`)
    await page.getByRole('button', { name: 'Send test event', exact: true }).click()
    await page.waitForURL((url) => url.pathname === endpointPath)

    // The server runs no dispatcher of its own (the harness starts no worker): run it once over the
    // demo tenant's queue, as the webhook tests do; it posts to the receiver before it returns.
    await testDispatcher(portal.t).drain({ tenantId: portal.demo.tenant.id })
    expect(receiver.types()).toEqual(['webhook.test'])
    receiver.verifyAll(secret)

    await page.reload()
    const row = page.locator('main tbody tr', { has: page.getByRole('link', { name: 'webhook.test' }) })
    await expect.poll(() => row.count()).toBe(1)
    // Event, resource, status, attempts.
    expect(await row.locator('td').nth(2).textContent()).toBe('succeeded')
    expect(await row.locator('td').nth(3).textContent()).toBe('1')
    await screenshot(page, 'webhook-endpoint')

    await row.getByRole('link', { name: 'webhook.test' }).click()
    await page.getByRole('heading', { name: 'Delivery of webhook.test', level: 1 }).waitFor()
    await expect.poll(() => shown(page, 'Attempts').textContent()).toBe('1')
    // The endpoint's URL and the ids are long single words: each stays inside its own box.
    expect(await overflowing(page)).toEqual([])
    const attempts = page.locator('main table tbody tr')
    await expect.poll(() => attempts.count()).toBe(1)
    expect(await attempts.first().locator('td').nth(1).textContent()).toBe('200')
    expect(await attempts.first().locator('td').nth(2).textContent()).toMatch(/^\d+ ms$/)
    await screenshot(page, 'webhook-delivery')
  })
})
