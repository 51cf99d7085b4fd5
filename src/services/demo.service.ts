import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Services } from '../container.js'
import { readCatalogFile } from './catalog-import.js'
import { systemContext } from './context.js'

export const DEMO_TENANT = 'demo'

/** Resolved from this module, so it works from `src/` (tsx) and from `dist/` (the package). */
export const DEMO_CATALOG = new URL('../../catalog/demo.yaml', import.meta.url)

export interface DemoSetup {
  created: boolean
  apiKey: string | undefined
  keyFile: string | undefined
}

/**
 * First start: a sandbox tenant `demo` with every scope's key, written to `<data dir>/demo-api-key`
 * so the README's curl lines work, and the demo catalog (`catalog/demo.yaml`). Later starts reuse
 * the tenant and print the saved key (minting a new one only if the file is gone). The catalog is
 * seeded whenever the demo tenant has no offerings at all, so a first start that died half-way
 * seeds it on the next one; once seeded it is the operator's to change.
 */
export async function ensureDemo(services: Services, dataDir: string): Promise<DemoSetup> {
  const keyFile = dataDir === 'memory:' ? undefined : join(dataDir, 'demo-api-key')
  let tenant = await services.tenants.findByName(DEMO_TENANT)
  const created = !tenant
  if (!tenant) tenant = await services.tenants.create({ name: DEMO_TENANT, sandbox: true, timeZone: 'UTC' })
  if ((await services.catalog.listOfferings(services.db, tenant.id, {})).length === 0) {
    await services.catalog.importCatalog(systemContext(tenant, services.clock, 'demo-seed'), readCatalogFile(DEMO_CATALOG))
  }
  if (!created && keyFile && existsSync(keyFile)) return { created, apiKey: readFileSync(keyFile, 'utf8').trim(), keyFile }
  const { key } = await services.apiKeys.create(undefined, tenant, { label: 'demo' })
  if (keyFile) {
    mkdirSync(dataDir, { recursive: true })
    writeFileSync(keyFile, `${key}\n`, { mode: 0o600 })
  }
  return { created, apiKey: key, keyFile }
}
