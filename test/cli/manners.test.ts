import { randomBytes } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cliEnv, runCli } from '../helpers/cli.js'

const STACK_LINE = /^\s+at /m
const lines = (text: string) => text.split('\n').filter((line) => line !== '')

/** A loopback port nothing listens on: one the system just handed out, closed again. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

// Each command is a fresh process on a fresh embedded database: seconds apiece, so few of them.
describe('openline CLI manners', { timeout: 240_000 }, () => {
  it('--version prints the version in package.json', () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }
    const result = runCli(['--version'], cliEnv())
    expect(result.status, result.stderr).toBe(0)
    expect(result.stdout).toBe(`${version}\n`)
  })

  it('a missing file is one line on stderr and exit 1, the stack only with --debug', () => {
    const env = cliEnv()
    const missing = join(env.OPENLINE_DATA_DIR as string, '..', 'nowhere.yaml')
    for (const command of ['catalog', 'numbers']) {
      const result = runCli([command, 'import', missing, '--tenant', 'shop'], env)
      expect(result.status).toBe(1)
      expect(result.stdout).toBe('')
      expect(result.stderr).toBe(`openline: No such file: ${missing}\n`)
    }
    const debug = runCli(['catalog', 'import', missing, '--tenant', 'shop', '--debug'], env)
    expect(debug.status).toBe(1)
    expect(lines(debug.stderr)[0]).toBe(`openline: No such file: ${missing}`)
    expect(debug.stderr).toMatch(STACK_LINE)
  })

  it('an unreachable database is one line on stderr and exit 1', async () => {
    const port = await closedPort()
    const env = cliEnv({
      DATABASE_URL: `postgres://openline:secret@127.0.0.1:${port}/openline`,
      // PostgreSQL needs the key that seals webhook secrets; with it, the database is the problem.
      OPENLINE_SECRET_KEY: randomBytes(32).toString('base64'),
    })
    for (const args of [['tenants', 'list'], ['migrate']]) {
      const result = runCli(args, env)
      expect(result.status).toBe(1)
      expect(result.stderr).toBe(
        `openline: Cannot reach the database at 127.0.0.1:${port} (ECONNREFUSED): is it running, and is DATABASE_URL right?\n`,
      )
      expect(result.stderr).not.toContain('secret')
    }
    const debug = runCli(['tenants', 'list'], { ...env, OPENLINE_DEBUG: '1' })
    expect(debug.stderr).toMatch(STACK_LINE)
  })

  it('lists the first 20 bad rows of an import and counts the rest', () => {
    const env = cliEnv()
    expect(runCli(['tenants', 'create', 'shop'], env).status).toBe(0)
    const file = join(env.OPENLINE_DATA_DIR as string, '..', 'bad.csv')
    const bad = Array.from({ length: 30 }, (_, i) => `+4670100${String(i).padStart(4, '0')},pager`)
    writeFileSync(file, `msisdn,type\n${bad.join('\n')}\n`)
    const result = runCli(['numbers', 'import', file, '--tenant', 'shop'], env)
    expect(result.status).toBe(1)
    const out = lines(result.stderr)
    expect(out[0]).toMatch(/^openline: Nothing was imported; the numbers have problems: /)
    expect(out.slice(1, 21)).toEqual(
      Array.from({ length: 20 }, (_, i) => expect.stringMatching(`^  /line/${i + 2}/type: `)),
    )
    expect(out.slice(21)).toEqual(['  … and 10 more errors'])
  })

  it('reports progress on stderr with --progress, and nothing without it when stderr is not a terminal', () => {
    const env = cliEnv()
    expect(runCli(['tenants', 'create', 'shop'], env).status).toBe(0)
    const dir = join(env.OPENLINE_DATA_DIR as string, '..')
    const rows = Array.from({ length: 21_000 }, (_, i) => `+4670${String(i).padStart(7, '0')},CELL`)
    writeFileSync(join(dir, 'many.csv'), `msisdn,type\n${rows.join('\n')}\n`)
    const loud = runCli(['numbers', 'import', join(dir, 'many.csv'), '--tenant', 'shop', '--json', '--progress'], env)
    expect(loud.status, loud.stderr).toBe(0)
    expect(JSON.parse(loud.stdout)).toEqual({ imported: 21_000, skipped: 0 })
    const progress = lines(loud.stderr)
    for (const line of progress) expect(line).toMatch(/^imported \d{1,2}( \d{3})? of 21 000 numbers$/)
    expect(progress).toContain('imported 10 000 of 21 000 numbers')
    expect(progress).toContain('imported 20 000 of 21 000 numbers')
    expect(progress.at(-1)).toBe('imported 21 000 of 21 000 numbers')

    writeFileSync(join(dir, 'few.csv'), `msisdn,type\n${rows.slice(0, 3).join('\n')}\n+46709999999,CELL\n`)
    const quiet = runCli(['numbers', 'import', join(dir, 'few.csv'), '--tenant', 'shop', '--json'], env)
    expect(quiet.status, quiet.stderr).toBe(0)
    expect(JSON.parse(quiet.stdout)).toEqual({ imported: 1, skipped: 3 })
    expect(quiet.stderr).toBe('')
  })
})
