import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cliEnv, runCli } from '../helpers/cli.js'

// Each command is a fresh process on a fresh embedded database: seconds apiece, so few of them.
describe('openline catalog import', { timeout: 180_000 }, () => {
  it('loads the demo catalog into a tenant, and lists every bad field of a broken file', () => {
    const env = cliEnv()
    expect(runCli(['tenants', 'create', 'shop'], env).status).toBe(0)
    const imported = runCli(['catalog', 'import', 'catalog/demo.yaml', '--tenant', 'shop', '--json'], env)
    expect(imported.status, imported.stderr).toBe(0)
    expect(JSON.parse(imported.stdout)).toEqual({ groups: 6, offerings: 11, promotions: 1 })

    const broken = join(env.OPENLINE_DATA_DIR as string, '..', 'broken.json')
    writeFileSync(
      broken,
      JSON.stringify({
        offerings: [
          {
            productOfferingId: 'Bad Id',
            name: 'x',
            price: { grossPrice: 'free', currency: 'USD', priceType: 'ONE_TIME' },
          },
        ],
      }),
    )
    const failed = runCli(['catalog', 'import', broken, '--tenant', 'shop'], env)
    expect(failed.status).toBe(1)
    expect(failed.stderr).toContain('The catalog document is invalid')
    for (const path of ['/offerings/0/productOfferingId', '/offerings/0/product:', '/offerings/0/price/grossPrice'])
      expect(failed.stderr).toContain(`  ${path}`)

    // `offering:` for `offerings:` used to import the groups only and exit 0; now the file is
    // refused whole (checked before the database is opened) and the key is named.
    const misspelt = join(env.OPENLINE_DATA_DIR as string, '..', 'misspelt.yaml')
    writeFileSync(
      misspelt,
      'groups:\n  - productOfferingGroupId: extras\n    name: Extras\noffering:\n  - productOfferingId: x\n',
    )
    const refused = runCli(['catalog', 'import', misspelt, '--tenant', 'shop'], env)
    expect(refused.status).toBe(1)
    expect(refused.stderr).toContain('/offering is not a known key (did you mean "offerings"?)')
  })
})
