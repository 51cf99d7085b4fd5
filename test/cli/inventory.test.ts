import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { withLuhnDigit } from '../../src/domain/inventory/sims.js'
import { cliEnv, runCli } from '../helpers/cli.js'

// Each command is a fresh process on a fresh embedded database: seconds apiece, so few of them.
describe('openline numbers import / sims import', { timeout: 240_000 }, () => {
  it('imports numbers from CSV and SIMs from JSON, and lists every bad row of a file', () => {
    const env = cliEnv()
    const dir = join(env.OPENLINE_DATA_DIR as string, '..')
    expect(runCli(['tenants', 'create', 'shop'], env).status).toBe(0)

    const numbers = join(dir, 'numbers.csv')
    writeFileSync(
      numbers,
      'msisdn,type,grade,region\n+46701000001,CELL,5,north\n+46701000002,M2M,,\n\n"+46701000003",DATA,1,"south, coast"\n',
    )
    const imported = runCli(['numbers', 'import', numbers, '--tenant', 'shop', '--json'], env)
    expect(imported.status, imported.stderr).toBe(0)
    expect(JSON.parse(imported.stdout)).toEqual({ imported: 3, skipped: 0 })

    const sims = join(dir, 'sims.json')
    const iccid = withLuhnDigit('894600000000000123')
    writeFileSync(
      sims,
      JSON.stringify({
        sims: [
          { iccid, type: 'ESIM', lpa: '1$rsp.example.com$X1', puk1: '12345678' },
          { iccid: withLuhnDigit('894600000000000124'), type: 'PHYSICAL' },
        ],
      }),
    )
    const simsOut = runCli(['sims', 'import', sims, '--tenant', 'shop'], env)
    expect(simsOut.status, simsOut.stderr).toBe(0)
    expect(simsOut.stdout).toContain("Imported into 'shop': 2 new SIM cards, 0 already there (skipped).")

    const broken = join(dir, 'broken.csv')
    writeFileSync(broken, 'msisdn,type,grade\n+46701000001,CELL,1\n+46701000009,cell,x\n0701,CELL,2\n')
    const failed = runCli(['numbers', 'import', broken, '--tenant', 'shop'], env)
    expect(failed.status).toBe(1)
    expect(failed.stderr).toContain('Nothing was imported')
    for (const path of ['/line/3/type', '/line/3/grade', '/line/4/msisdn'])
      expect(failed.stderr).toContain(`  ${path}:`)
  })
})
