import { connect } from 'node:net'
import { describe, expect, it } from 'vitest'
import { LineReader, cliEnv, startCli } from '../helpers/cli.js'

describe('openline serve on SIGTERM', () => {
  it('finishes the request in flight, refuses new connections, and exits 0', async () => {
    const server = startCli(
      ['serve', '--demo'],
      cliEnv({ PORT: '0', LOG_LEVEL: 'debug', OPENLINE_DATA_DIR: 'memory:' }),
    )
    const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)))
    const stderr = new LineReader(server.stderr)
    const stdout = new LineReader(server.stdout)
    try {
      const keyLine = await stderr.waitFor((l) => l.includes('Demo API key'))
      const apiLine = await stderr.waitFor((l) => l.includes('API:'))
      const key = keyLine.split(': ').at(-1)?.trim() as string
      const port = Number(/:(\d+)\s*$/.exec(apiLine)?.[1])

      // A request whose body is still arriving when SIGTERM comes.
      const body = JSON.stringify({ label: 'created-during-shutdown' })
      const socket = connect(port, '127.0.0.1')
      let response = ''
      socket.on('data', (chunk) => (response += chunk.toString()))
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()))
      socket.write(
        `POST /api-keys HTTP/1.1\r\nHost: localhost\r\nX-Api-Key: ${key}\r\nX-Request-Id: in-flight-1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`,
      )
      await stdout.waitFor((l) => l.includes('in-flight-1') && l.includes('incoming request'))
      server.kill('SIGTERM')
      await stdout.waitFor((l) => l.includes('shutting down'))

      const probe = () =>
        new Promise<string>((resolve) => {
          const attempt = connect(port, '127.0.0.1')
          attempt.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'))
          attempt.on('connect', () => {
            attempt.destroy()
            resolve('connected')
          })
        })
      // The listener closes moments after the signal is logged; the request in flight is still open.
      await expect.poll(probe, { interval: 50, timeout: 10_000 }).toBe('ECONNREFUSED')

      socket.write(body.slice(5))
      await closed
      expect(response).toMatch(/^HTTP\/1\.1 201 Created/)
      expect(response).toContain('created-during-shutdown')
      expect(await exited).toBe(0)
    } finally {
      server.kill('SIGKILL')
    }
  }, 90_000)
})
