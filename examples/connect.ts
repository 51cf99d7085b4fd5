import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Openline, OpenlineError } from '@openline/sdk'

/**
 * What every example shares: where the server is and which key to use, a bounded poll, and a
 * `main` that turns any failure into a message and exit code 1.
 *
 * OPENLINE_URL      default http://127.0.0.1:8080 (`npm start`)
 * OPENLINE_API_KEY  default: the demo key `npm start` saved in <data dir>/demo-api-key
 *                   (OPENLINE_DATA_DIR, default ./.openline/data, as the server reads it)
 */
export const baseUrl = process.env.OPENLINE_URL ?? 'http://127.0.0.1:8080'

export function apiKey(): string {
  const given = process.env.OPENLINE_API_KEY
  if (given) return given
  const file = join(process.env.OPENLINE_DATA_DIR ?? '.openline/data', 'demo-api-key')
  try {
    return readFileSync(file, 'utf8').trim()
  } catch {
    throw new Error(`No OPENLINE_API_KEY, and no demo key in ${file}: start the server with \`npm start\` first.`)
  }
}

export function connect(): Openline {
  return new Openline({ apiKey: apiKey(), baseUrl })
}

/**
 * Asks `check` every `intervalMs` until it answers something other than `undefined`; throws once
 * `timeoutMs` has passed, so an example never hangs.
 */
export async function poll<T>(
  what: string,
  check: () => Promise<T | undefined>,
  { timeoutMs = 30_000, intervalMs = 250 } = {},
): Promise<T> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const answer = await check()
    if (answer !== undefined) return answer
    if (performance.now() > deadline) throw new Error(`Gave up waiting for ${what} after ${timeoutMs} ms.`)
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}

/** Runs an example: exit code 0 when it completes, 1 (with the reason on stderr) when it fails. */
export function main(run: () => Promise<void>): void {
  run().then(
    () => process.exit(0),
    (error: unknown) => {
      if (error instanceof OpenlineError) {
        console.error(`Failed: ${error.status} ${error.code}: ${error.detail} (request ${error.requestId})`)
        for (const field of error.errors) console.error(`  ${field.path}: ${field.message}`)
      } else console.error(`Failed: ${error instanceof Error ? error.message : String(error)}`)
      process.exit(1)
    },
  )
}
