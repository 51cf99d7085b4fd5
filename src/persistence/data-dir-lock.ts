import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { dirname, resolve } from 'node:path'

/**
 * PGlite runs PostgreSQL in single-user mode inside this process: a second process opening the same
 * data directory would corrupt it. A lock file beside the directory (`<dir>.lock`, holding the pid)
 * makes a second process stop with a clear message before it touches anything.
 */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `The embedded database in '${dataDir}' is in use by another Openline process (pid ${pid}). ` +
        'Embedded mode allows one process per data directory: stop that process first, run the command ' +
        'through it, or use PostgreSQL by setting DATABASE_URL.',
    )
    this.name = 'DataDirInUseError'
  }
}

export interface DataDirLock {
  release(): void
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export function lockDataDir(dataDir: string): DataDirLock {
  const lockPath = `${resolve(dataDir)}.lock`
  mkdirSync(dirname(lockPath), { recursive: true })
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      let released = false
      return {
        release() {
          if (released) return
          released = true
          rmSync(lockPath, { force: true })
        },
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const pid = Number(readFileSync(lockPath, 'utf8').trim())
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid))
        throw new DataDirInUseError(dataDir, pid)
      // A stale lock left by a process that died: take it over.
      rmSync(lockPath, { force: true })
    }
  }
  throw new Error(`Could not lock the data directory '${dataDir}'.`)
}
