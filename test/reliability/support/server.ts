import { randomBytes } from 'node:crypto'
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { LineReader, cliEnv, startCli } from '../../helpers/cli.js'

/**
 * One `openline serve --demo` at a time on the same database and data directory: started, killed
 * with SIGKILL, started again. Every line it logs (stdout, pino JSON) is kept for the secrets scan.
 */
export class ServerProcess {
  readonly logs: string[] = []
  base = ''
  key = ''
  starts = 0
  private child: ChildProcessWithoutNullStreams | undefined
  private exited: Promise<void> = Promise.resolve()
  private listening = false
  private readonly env: NodeJS.ProcessEnv

  constructor(extra: Record<string, string>) {
    // On PostgreSQL the server needs the key that seals webhook secrets; one key for every restart.
    this.env = cliEnv({
      PORT: '0',
      LOG_LEVEL: 'trace',
      OPENLINE_SECRET_KEY: randomBytes(32).toString('base64'),
      ...extra,
    })
  }

  /** Resolves once a server is listening (at once when one is). */
  async ready(): Promise<void> {
    while (!this.listening) await new Promise((resolve) => setTimeout(resolve, 50))
  }

  async start(): Promise<void> {
    const child = startCli(['serve', '--demo'], this.env)
    this.child = child
    this.starts++
    this.exited = new Promise((resolve) => child.on('exit', () => resolve()))
    let partial = ''
    child.stdout.on('data', (chunk: Buffer) => {
      const parts = (partial + chunk.toString()).split('\n')
      partial = parts.pop() ?? ''
      this.logs.push(...parts)
    })
    const stderr = new LineReader(child.stderr)
    const keyLine = await stderr.waitFor((l) => l.includes('Demo API key'), 120_000)
    const apiLine = await stderr.waitFor((l) => l.includes('API:'), 120_000)
    this.key = keyLine.split(': ').at(-1)?.trim() as string
    this.base = apiLine.replace(/^\s*API:\s*/, '').trim()
    this.listening = true
  }

  /** SIGKILL: no shutdown hook runs, requests in flight are cut, a job in hand is left running. */
  async kill(): Promise<void> {
    this.listening = false
    this.child?.kill('SIGKILL')
    await this.exited
  }

  async restart(): Promise<void> {
    await this.kill()
    await this.start()
  }

  async stop(): Promise<void> {
    this.child?.kill('SIGKILL')
    await this.exited
  }
}
