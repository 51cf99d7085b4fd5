import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { describe } from 'vitest'
import { ensureDemo } from '../../src/services/demo.service.js'
import type { TestTenant } from '../helpers/factories.js'
import { createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'

export const CHROMIUM = '/usr/bin/chromium'
const SCREENSHOTS = new URL('../../docs/portal/', import.meta.url)
export const SCREEN = { width: 1280, height: 800 }

export interface PortalLogin {
  email: string
  password: string
}

export interface Portal {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  baseUrl: string
  /** The demo operator (admin of `demo`), read from the `demo-portal-login` file `ensureDemo` wrote. */
  login: PortalLogin
  /** The demo tenant's full-scope key, as `serve --demo` prints it. */
  apiKey: string
  /** The demo tenant with that key, in the shape the test/helpers factories take (`makeCustomer`, `subscriptionWorld`-style worlds). */
  demo: TestTenant
  /** The running app: `services`, `clock` (a FakeClock: what every service reads as now), `worker` (`runOnce()`), `request()`. */
  t: TestApp
  /** The data dir `ensureDemo` wrote its files to (removed by `close`). */
  dataDir: string
  close(): Promise<void>
}

/**
 * A real Openline HTTP server on 127.0.0.1, on a port the system picks, over a fresh test database,
 * made ready as `serve --demo` makes it: the same `buildApp` and container (through createTestApp,
 * with a fake clock and loopback webhooks allowed, as `--demo` allows them) and the same `ensureDemo`
 * (demo tenant, demo catalog, numbers, SIMs, the demo key and the demo operator). The job worker is
 * not started: tests drive it with `t.worker.runOnce()` after moving `t.clock`.
 */
export async function startPortal(options: Parameters<typeof createTestApp>[0] = {}): Promise<Portal> {
  const t = await createTestApp(options)
  const dataDir = mkdtempSync(join(tmpdir(), 'openline-browser-'))
  try {
    const setup = await ensureDemo(t.services, dataDir)
    const login = JSON.parse(readFileSync(join(dataDir, 'demo-portal-login'), 'utf8')) as PortalLogin
    const apiKey = setup.apiKey as string
    const { key, tenant } = await t.services.apiKeys.authenticate(apiKey)
    const demo: TestTenant = { tenant, key: apiKey, keyId: key.id, headers: { 'x-api-key': apiKey } }
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 })
    return {
      baseUrl: address.replace(/\/$/, ''),
      login,
      apiKey,
      demo,
      t,
      dataDir,
      async close() {
        await t.close()
        rmSync(dataDir, { recursive: true, force: true })
      },
    }
  } catch (error) {
    await t.close()
    rmSync(dataDir, { recursive: true, force: true })
    throw error
  }
}

/** True when the browser tests must run (CI): a missing Chromium then fails them instead of skipping. */
const required = (): boolean => process.env.OPENLINE_BROWSER_TESTS === 'required'

/**
 * `describe` for browser tests: skipped, with the reason in the suite's name, when Chromium is not at
 * /usr/bin/chromium, unless OPENLINE_BROWSER_TESTS=required (then they run and `launchBrowser` fails).
 */
export function describeBrowser(name: string, body: () => void): void {
  if (existsSync(CHROMIUM) || required()) {
    describe(name, body)
    return
  }
  const reason = `no Chromium at ${CHROMIUM}; OPENLINE_BROWSER_TESTS=required makes this a failure`
  console.warn(`Browser tests skipped (${name}): ${reason}.`)
  describe.skip(`${name} (skipped: ${reason})`, body)
}

/** Debian's Chromium, headless, driven by playwright-core. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`The browser tests need Chromium at ${CHROMIUM} (apt-get install chromium); none is there.`)
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] })
}

/** A fresh context (its own cookies) at 1280×800 whose relative URLs resolve against the portal, and one page in it. */
export async function newPage(browser: Browser, baseUrl: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: SCREEN })
  // Under the test's own timeout, so a wait that never ends fails naming what it waited for.
  context.setDefaultTimeout(10_000)
  return { context, page: await context.newPage() }
}

/** Fills the sign-in form and sends it; waits for the answer page (not checked: the caller asserts). */
export async function submitSignIn(page: Page, baseUrl: string, login: PortalLogin): Promise<void> {
  await page.goto(`${baseUrl}/portal/sign-in`)
  await page.getByLabel('E-mail').fill(login.email)
  await page.getByLabel('Password').fill(login.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForLoadState()
}

/** Signs in through the form and waits for the home page. */
export async function signIn(page: Page, baseUrl: string, login: PortalLogin): Promise<void> {
  await submitSignIn(page, baseUrl, login)
  await page.waitForURL((url) => url.pathname === '/portal')
  await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor()
}

/**
 * docs/portal/<name>.png of the viewport at 1280×800, only when OPENLINE_SCREENSHOTS=1 (so ordinary
 * runs never rewrite the committed images). The page's own viewport size is put back afterwards.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.OPENLINE_SCREENSHOTS !== '1') return
  const before = page.viewportSize()
  await page.setViewportSize(SCREEN)
  mkdirSync(SCREENSHOTS, { recursive: true })
  await page.screenshot({ path: new URL(`${name}.png`, SCREENSHOTS).pathname, animations: 'disabled' })
  if (before && (before.width !== SCREEN.width || before.height !== SCREEN.height)) await page.setViewportSize(before)
}

/**
 * What the in-page checks read. The project's `lib` has no DOM (it is Node code), so the few browser
 * globals they touch are described here; the functions run in the page, where `globalThis` is the window.
 */
interface PageGlobals {
  document: { documentElement: { scrollWidth: number; clientWidth: number }; activeElement: { id: string } | null }
  getComputedStyle(element: unknown): { outlineStyle: string; outlineWidth: string; outlineColor: string }
}

/** The document's scroll width and visible width: a page scrolls sideways when the first is larger. */
export const pageWidths = (page: Page): Promise<{ scrollWidth: number; clientWidth: number }> =>
  page.evaluate(() => {
    const { scrollWidth, clientWidth } = (globalThis as unknown as PageGlobals).document.documentElement
    return { scrollWidth, clientWidth }
  })

/** The `id` of the element holding the keyboard focus (`''` when it has none, null when nothing is focused). */
export const focusedId = (page: Page): Promise<string | null> =>
  page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.id ?? null)

/** An element's computed outline, as the browser draws it now. */
export const outlineOf = (locator: Locator): Promise<{ style: string; width: string; color: string }> =>
  locator.evaluate((element) => {
    const style = (globalThis as unknown as PageGlobals).getComputedStyle(element)
    return { style: style.outlineStyle, width: style.outlineWidth, color: style.outlineColor }
  })
