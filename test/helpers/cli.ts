import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const MAIN = join(process.cwd(), 'src/cli/main.ts')
/**
 * The CLI runs in ONE node process with tsx's loader (`--import tsx`), not through the `tsx`
 * binary: that one runs the program in a child process and relays signals to it, which made the
 * SIGTERM test depend on the relay.
 */
const NODE_ARGS = ['--import', 'tsx', MAIN]

/** The environment of a CLI run: embedded data in a fresh directory, never the developer's own. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    OPENLINE_DATA_DIR: join(mkdtempSync(join(tmpdir(), 'openline-cli-')), 'data'),
    ...extra,
  }
  return env
}

export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  /** What the command reads on standard input (`--password-stdin`). */
  input?: string,
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [...NODE_ARGS, ...args], {
    env,
    encoding: 'utf8',
    timeout: 60_000,
    ...(input !== undefined && { input }),
  })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

export function startCli(args: string[], env: NodeJS.ProcessEnv): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [...NODE_ARGS, ...args], { env })
}

/**
 * Collects a stream's lines from the start, so a test can wait for a line that may already have
 * arrived (several lines often come in one chunk).
 */
export class LineReader {
  private readonly lines: string[] = []
  private partial = ''
  private waiters: { match: (line: string) => boolean; resolve: (line: string) => void }[] = []

  constructor(stream: NodeJS.ReadableStream) {
    stream.on('data', (chunk: Buffer) => {
      const parts = (this.partial + chunk.toString()).split('\n')
      this.partial = parts.pop() ?? ''
      for (const line of parts) {
        this.lines.push(line)
        this.waiters = this.waiters.filter((w) => (w.match(line) ? (w.resolve(line), false) : true))
      }
    })
  }

  /** The first line, seen or still to come, that matches. */
  waitFor(match: (line: string) => boolean, timeoutMs = 60_000): Promise<string> {
    const seen = this.lines.find(match)
    if (seen !== undefined) return Promise.resolve(seen)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching line within ${timeoutMs} ms; read:\n${this.lines.join('\n')}`)),
        timeoutMs,
      )
      this.waiters.push({ match, resolve: (line) => (clearTimeout(timer), resolve(line)) })
    })
  }
}
