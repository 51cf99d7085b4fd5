import { describe, expect, it } from 'vitest'
import { cliEnv, runCli } from '../helpers/cli.js'

// Each command is a fresh process on the same embedded data directory: seconds apiece.
describe('openline operators', { timeout: 240_000 }, () => {
  it('creates (generated or given password), lists, disables and resets passwords', () => {
    const env = cliEnv()
    expect(runCli(['tenants', 'create', 'acme', '--sandbox'], env).status).toBe(0)
    const created = runCli(['operators', 'create', 'Ana@Example.test', '--tenant', 'acme', '--role', 'admin'], env)
    expect(created.status, created.stderr).toBe(0)
    expect(created.stdout).toContain("Created operator ana@example.test (admin in 'acme')")
    const generated = /Password \(shown only now\): (\S+)/.exec(created.stdout)?.[1]
    expect(generated).toMatch(/^[A-Za-z0-9_-]{20}$/)

    const given = runCli(
      ['operators', 'create', 'bo@example.test', '--tenant', 'acme', '--role', 'viewer', '--password-stdin', '--json'],
      env,
      'a long enough password\n',
    )
    expect(given.status, given.stderr).toBe(0)
    expect(JSON.parse(given.stdout)).toMatchObject({ email: 'bo@example.test', password: null })

    const again = runCli(['operators', 'create', 'ana@example.test', '--tenant', 'acme', '--role', 'viewer'], env)
    expect(again.status).toBe(1)
    expect(again.stderr).toContain("An operator with the e-mail 'ana@example.test' exists already")
    const badRole = runCli(['operators', 'create', 'cy@example.test', '--tenant', 'acme', '--role', 'boss'], env)
    expect(badRole.status).toBe(1)
    expect(badRole.stderr).toContain("Unknown role 'boss'")

    expect(runCli(['operators', 'disable', 'bo@example.test'], env).stdout).toContain(
      'Disabled operator bo@example.test',
    )
    const reset = runCli(['operators', 'reset-password', 'ana@example.test'], env)
    expect(reset.status, reset.stderr).toBe(0)
    const fresh = /shown only now\): (\S+)/.exec(reset.stdout)?.[1]
    expect(fresh).toBeDefined()
    expect(fresh).not.toBe(generated)

    const listed = runCli(['operators', 'list', '--json'], env)
    expect(listed.status, listed.stderr).toBe(0)
    const all = JSON.parse(listed.stdout) as {
      email: string
      disabled: boolean
      memberships: { tenant: string; role: string }[]
    }[]
    expect(all.map((o) => [o.email, o.disabled, o.memberships.map((m) => `${m.tenant}:${m.role}`).join()])).toEqual([
      ['ana@example.test', false, 'acme:admin'],
      ['bo@example.test', true, 'acme:viewer'],
    ])
    // Passwords are never listed.
    expect(listed.stdout).not.toContain(fresh)
    expect(listed.stdout).not.toContain('scrypt')
  })
})
