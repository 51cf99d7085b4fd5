import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Services } from '../container.js'
import { readCatalogFile } from './catalog-import.js'
import { withLuhnDigit } from '../domain/inventory/sims.js'
import { systemContext } from './context.js'
import type { Tenant } from '../domain/access/tenant.js'

export const DEMO_TENANT = 'demo'

/** Resolved from this module, so it works from `src/` (tsx) and from `dist/` (the package). */
export const DEMO_CATALOG = new URL('../../catalog/demo.yaml', import.meta.url)

export interface DemoSetup {
  created: boolean
  apiKey: string | undefined
  keyFile: string | undefined
  /** The demo operator's portal sign-in, also written to `<data dir>/demo-portal-login`. */
  portalLogin: { email: string; password: string } | undefined
  portalLoginFile: string | undefined
}

export const DEMO_OPERATOR_EMAIL = 'demo@openline.test'

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
  const ctx = systemContext(tenant, services.clock, 'demo-seed')
  if ((await services.catalog.listOfferings(services.db, tenant.id, {})).length === 0) {
    await services.catalog.importCatalog(ctx, readCatalogFile(DEMO_CATALOG))
  }
  // A small stock of numbers and SIMs, so an order placed on the demo tenant can be fulfilled.
  if ((await services.numberPool.list(ctx, {}, { limit: 1 })).items.length === 0) {
    await services.numberPool.importNumbers(ctx, demoNumbers())
    await services.sims.importSims(ctx, demoSims())
  }
  const portal = await ensureDemoOperator(services, tenant, dataDir)
  if (!created && keyFile && existsSync(keyFile))
    return { created, apiKey: readFileSync(keyFile, 'utf8').trim(), keyFile, ...portal }
  const { key } = await services.apiKeys.create(undefined, tenant, { label: 'demo' })
  if (keyFile) {
    mkdirSync(dataDir, { recursive: true })
    writeFileSync(keyFile, `${key}\n`, { mode: 0o600 })
  }
  return { created, apiKey: key, keyFile, ...portal }
}

/**
 * The demo operator (admin of `demo`): created on the first start with a generated password, which
 * is written to `<data dir>/demo-portal-login` as `{"email", "password"}`. Later starts read the file;
 * if it is gone the password is reset and the file written again (the hash alone cannot be shown).
 */
async function ensureDemoOperator(
  services: Services,
  tenant: Tenant,
  dataDir: string,
): Promise<Pick<DemoSetup, 'portalLogin' | 'portalLoginFile'>> {
  const file = dataDir === 'memory:' ? undefined : join(dataDir, 'demo-portal-login')
  const existing = await services.operators.findByEmail(DEMO_OPERATOR_EMAIL)
  if (existing && file && existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { email: string; password: string }
    return { portalLogin: saved, portalLoginFile: file }
  }
  const password = existing
    ? (await services.operators.resetPassword(DEMO_OPERATOR_EMAIL)).password
    : ((await services.operators.create({ email: DEMO_OPERATOR_EMAIL, tenant, role: 'admin' }))
        .generatedPassword as string)
  const login = { email: DEMO_OPERATOR_EMAIL, password }
  if (file) {
    mkdirSync(dataDir, { recursive: true })
    writeFileSync(file, `${JSON.stringify(login)}\n`, { mode: 0o600 })
  }
  return { portalLogin: login, portalLoginFile: file }
}

/** +1 202 555-0100 … 0149: the fictional 555-01XX range, safe to show in examples. */
const demoNumbers = () =>
  Array.from({ length: 50 }, (_, i) => ({
    msisdn: `+1202555${String(100 + i).padStart(4, '0')}`,
    type: 'CELL',
    grade: i % 10 === 0 ? 5 : 1,
  }))

/** Ten eSIMs and ten physical SIMs with Luhn-valid ICCIDs in a range no real issuer uses. */
const demoSims = () =>
  Array.from({ length: 20 }, (_, i) => {
    const iccid = withLuhnDigit(`890155500${String(i + 1).padStart(9, '0')}`)
    const esim = i < 10
    return {
      iccid,
      type: esim ? 'ESIM' : 'PHYSICAL',
      imsi: `3100155500${String(i + 1).padStart(5, '0')}`,
      ...(esim && { lpa: `1$rsp.demo.openline.test$DEMO${String(i + 1).padStart(4, '0')}` }),
      puk1: `${12_345_600 + i}`,
    }
  })
