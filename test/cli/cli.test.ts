import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { lockDataDir } from '../../src/persistence/data-dir-lock.js'
import { cliEnv, runCli } from '../helpers/cli.js'

// Each command is a fresh process on a fresh embedded database: seconds apiece.
describe('openline CLI', { timeout: 180_000 }, () => {
  it('creates tenants and keys, lists and revokes them', () => {
    const env = cliEnv()
    const tenant = runCli(['tenants', 'create', 'acme', '--time-zone', 'Europe/Stockholm', '--sandbox'], env)
    expect(tenant.status, tenant.stderr).toBe(0)
    expect(tenant.stdout).toContain("sandbox tenant 'acme'")
    const created = runCli(['api-keys', 'create', '--tenant', 'acme', '--name', 'crm', '--json'], env)
    expect(created.status, created.stderr).toBe(0)
    const key = JSON.parse(created.stdout) as { id: string; tenant: string; key: string }
    expect(Object.keys(key).sort()).toEqual(['id', 'key', 'tenant'])
    expect(key).toMatchObject({ tenant: 'acme', key: expect.stringMatching(/^ol_sandbox_/) })
    const narrow = runCli(['api-keys', 'create', '--tenant', 'acme', '--scopes', 'read', '--json'], env)
    expect(narrow.status, narrow.stderr).toBe(0)
    const listed = runCli(['api-keys', 'list', '--json'], env)
    const keys = JSON.parse(listed.stdout) as { id: string; label: string; scopes: string[]; tenant: string }[]
    expect(keys.map((k) => [k.label, k.scopes.join(',')])).toEqual([
      ['crm', 'read,write,admin,sims:puk'],
      ['default', 'read'],
    ])
    expect(listed.stdout).not.toContain(key.key)
    const revoked = runCli(['api-keys', 'revoke', key.id], env)
    expect(revoked.status, revoked.stderr).toBe(0)
    expect(JSON.parse(runCli(['api-keys', 'list', '--json'], env).stdout)[0].revokedAt).not.toBeNull()
  })

  it('fails with a clear message and a non-zero exit on bad input', () => {
    const env = cliEnv()
    const missing = runCli(['api-keys', 'create', '--tenant', 'nobody'], env)
    expect(missing.status).toBe(1)
    expect(missing.stderr).toContain("No tenant with id 'nobody'")
    const badZone = runCli(['tenants', 'create', 'x', '--time-zone', 'Mars/Olympus'], env)
    expect(badZone.status).toBe(1)
    expect(badZone.stderr).toContain('IANA time zone')
    const badEnv = runCli(['tenants', 'list'], { ...env, PORT: 'abc', LOG_LEVEL: 'loud' })
    expect(badEnv.status).toBe(1)
    expect(badEnv.stderr).toMatch(/PORT[\s\S]*|LOG_LEVEL/)
    expect(badEnv.stderr).toContain('LOG_LEVEL')
    expect(badEnv.stderr).toContain('PORT')
  })

  it('migrate exits non-zero when the database cannot be migrated', () => {
    const result = runCli(['migrate'], cliEnv({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere' }))
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/ECONNREFUSED|connect/)
    const env = cliEnv()
    expect(runCli(['migrate', 'status'], env).stdout).toMatch(/^pending {2}0001_foundation/m)
    const up = runCli(['migrate'], env)
    expect(up.status, up.stderr).toBe(0)
    expect(up.stdout).toContain('Applied: 0001_foundation')
    const ok = runCli(['migrate', 'status'], env)
    expect(ok.status, ok.stderr).toBe(0)
    expect(ok.stdout).toMatch(/^applied {2}0001_foundation/m)
  })

  it('stops a second process on the same embedded data directory, touching nothing', () => {
    const env = cliEnv()
    const dataDir = env.OPENLINE_DATA_DIR as string
    const lock = lockDataDir(dataDir) // this test process plays the running server
    try {
      const second = runCli(['tenants', 'create', 'sneaky'], env)
      expect(second.status).toBe(1)
      expect(second.stderr).toContain('in use by another Openline process')
      expect(readFileSync(`${dataDir}.lock`, 'utf8')).toBe(String(process.pid))
    } finally {
      lock.release()
    }
    expect(runCli(['tenants', 'list', '--json'], env).stdout.trim()).toBe('[]')
  })
})
