import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { DEMO_OPERATOR_EMAIL, ensureDemo } from '../../../src/services/demo.service.js'
import { createTestApp } from '../../helpers/test-app.js'
import type { TestApp } from '../../helpers/test-app.js'
import { signIn } from '../../helpers/portal.js'

let t: TestApp
const dir = mkdtempSync(join(tmpdir(), 'openline-demo-login-'))
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(async () => {
  await t.close()
  rmSync(dir, { recursive: true, force: true })
})

it('the first demo start creates an admin operator of demo, writes its login, and later starts keep it', async () => {
  const first = await ensureDemo(t.services, dir)
  const file = join(dir, 'demo-portal-login')
  const saved = JSON.parse(readFileSync(file, 'utf8')) as { email: string; password: string }
  expect(saved).toEqual(first.portalLogin)
  expect(saved.email).toBe(DEMO_OPERATOR_EMAIL)
  expect(statSync(file).mode & 0o077).toBe(0)
  const second = await ensureDemo(t.services, dir)
  expect(second.portalLogin).toEqual(saved)
  const browser = await signIn(t, saved.email, saved.password)
  const home = await browser.get('/portal')
  expect(home.body).toContain('demo (admin)')
})
