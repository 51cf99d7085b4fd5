import { execFile, spawn } from 'node:child_process'
import { closeSync, openSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))

export interface Server {
  name: string
  url: string
  /** What the process wrote on stderr since the last call (the SQL trace, a crash). */
  takeStderr(): string
  /** Resident memory now and at its peak, from /proc. */
  memory(): { rssMb: number; peakRssMb: number }
  /** CPU time (user + system) the process has used so far, in milliseconds, from /proc. */
  cpuMs(): number
  stop(): Promise<void>
}

/**
 * Starts `node <args>` as a server of its own on a free port, its stdout (the logs) going to
 * `logFile`, and waits until GET /healthz answers.
 */
export async function startServer(
  name: string,
  args: string[],
  env: Record<string, string>,
  logFile: string,
): Promise<Server> {
  const port = await freePort()
  const log = openSync(logFile, 'w')
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', log, 'pipe'],
  })
  closeSync(log)
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-1_000_000)
  })
  let exitCode: number | null | undefined
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code
      resolve()
    }),
  )
  const url = `http://127.0.0.1:${port}`
  const server: Server = {
    name,
    url,
    takeStderr() {
      const text = stderr
      stderr = ''
      return text
    },
    memory() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
      const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN)
      return { rssMb: Math.round(kb('VmRSS') / 1024), peakRssMb: Math.round(kb('VmHWM') / 1024) }
    },
    cpuMs() {
      // utime and stime are the 12th and 13th fields after the command name, in ticks of 10 ms (USER_HZ).
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
      return (Number(fields[11]) + Number(fields[12])) * 10
    },
    async stop() {
      if (exitCode !== undefined) return
      child.kill('SIGTERM')
      if ((await Promise.race([exited.then(() => true), sleep(15_000, false)])) === false) child.kill('SIGKILL')
      await exited
    },
  }
  for (const started = performance.now(); performance.now() - started < 60_000; await sleep(200)) {
    if (exitCode !== undefined)
      throw new Error(`${name} exited (code ${exitCode}) before it was ready:\n${stderr.slice(-4000)}`)
    const ready = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    )
    if (ready) return server
  }
  await server.stop()
  throw new Error(`${name} did not answer ${url}/healthz within 60 s:\n${stderr.slice(-4000)}`)
}

/** Runs the built Openline CLI as an operator would and parses its `--json` output. */
export async function openlineCli<T>(args: string[], env: Record<string, string>): Promise<T> {
  const { stdout } = await promisify(execFile)(process.execPath, ['dist/cli/main.js', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
  })
  return JSON.parse(stdout) as T
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  if (address === null || typeof address === 'string') throw new Error('no free port')
  return address.port
}
