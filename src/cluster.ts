import cluster from 'node:cluster'
import type { Worker as ClusterWorker } from 'node:cluster'
import type { Logger } from './worker/runner.js'

/** What a forked child tells the primary once it is ready. */
export interface ReadyMessage {
  type: 'openline:ready'
  address?: string
}

export const isReadyMessage = (message: unknown): message is ReadyMessage =>
  typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'openline:ready'

/** In a forked child: tells the primary it is ready (no-op in a process of its own). */
export function reportReady(address?: string): void {
  if (cluster.isWorker && process.send) process.send({ type: 'openline:ready', ...(address && { address }) })
}

export interface Supervisor {
  /** Resolves with each child's ready message once all `count` children are ready. */
  ready: Promise<ReadyMessage[]>
  /** SIGTERM to every child; resolves once all have exited, true when every one exited 0. */
  stop(): Promise<boolean>
}

/**
 * The primary of `serve --processes N` and `worker --processes N`: forks `count` children (each
 * re-runs the same command line; `cluster.isWorker` tells it it is a child) and forks a
 * replacement for one that dies after all started (one that dies before fails the start). API children share the listening port: the
 * primary accepts connections and hands them round-robin to the children.
 */
export function supervise(count: number, logger: Logger): Supervisor {
  let stopping = false
  const children = new Set<ClusterWorker>()
  const readyMessages: ReadyMessage[] = []
  let resolveReady: (messages: ReadyMessage[]) => void = () => undefined
  let rejectReady: (error: Error) => void = () => undefined
  let started = false
  const ready = new Promise<ReadyMessage[]>((resolve, reject) => {
    resolveReady = resolve
    rejectReady = reject
  })
  const fork = (): void => {
    const child = cluster.fork()
    children.add(child)
    child.on('message', (message: unknown) => {
      if (!isReadyMessage(message) || readyMessages.length >= count) return
      readyMessages.push(message)
      if (readyMessages.length === count) {
        started = true
        resolveReady(readyMessages)
      }
    })
    child.on('exit', (code, signal) => {
      children.delete(child)
      if (stopping) return
      if (!started) {
        // A child that cannot start (bad config, database down) would fail again: give up, not loop.
        stopping = true
        for (const other of children) other.process.kill('SIGTERM')
        rejectReady(new Error(`a child process exited before it was ready (code ${code ?? signal})`))
        return
      }
      logger.error({ pid: child.process.pid, code, signal }, 'a child process died; forking another')
      fork()
    })
  }
  for (let i = 0; i < count; i++) fork()
  return {
    ready,
    async stop() {
      stopping = true
      let clean = true
      await Promise.all(
        [...children].map(
          (child) =>
            new Promise<void>((resolve) => {
              child.once('exit', (code) => {
                if (code !== 0) clean = false
                resolve()
              })
              child.process.kill('SIGTERM')
            }),
        ),
      )
      return clean
    },
  }
}

export const isClusterChild = (): boolean => cluster.isWorker
