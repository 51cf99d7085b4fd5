import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Services } from '../container.js'

export const DEMO_TENANT = 'demo'

export interface DemoSetup {
  created: boolean
  apiKey: string | undefined
  keyFile: string | undefined
}

/**
 * First start: a sandbox tenant `demo` with every scope's key, written to `<data dir>/demo-api-key`
 * so the README's curl lines work. Later starts reuse the tenant and print the saved key (minting a
 * new one only if the file is gone).
 */
export async function ensureDemo(services: Services, dataDir: string): Promise<DemoSetup> {
  const keyFile = dataDir === 'memory:' ? undefined : join(dataDir, 'demo-api-key')
  let tenant = await services.tenants.findByName(DEMO_TENANT)
  const created = !tenant
  if (!tenant) tenant = await services.tenants.create({ name: DEMO_TENANT, sandbox: true, timeZone: 'UTC' })
  if (!created && keyFile && existsSync(keyFile)) return { created, apiKey: readFileSync(keyFile, 'utf8').trim(), keyFile }
  const { key } = await services.apiKeys.create(undefined, tenant, { label: 'demo' })
  if (keyFile) {
    mkdirSync(dataDir, { recursive: true })
    writeFileSync(keyFile, `${key}\n`, { mode: 0o600 })
  }
  return { created, apiKey: key, keyFile }
}
