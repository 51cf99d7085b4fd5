import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import pg from 'pg'
import ts from 'typescript'
import { ROOT } from './processes.js'

/** Creates an empty database on the server of `adminUrl`; answers its URL and how to drop it. */
export async function createDatabase(
  adminUrl: string,
  name: string,
): Promise<{ url: string; serverVersion: string; drop(): Promise<void> }> {
  const onAdmin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: adminUrl })
    await client.connect()
    try {
      return await work(client)
    } finally {
      await client.end()
    }
  }
  const serverVersion = await onAdmin(async (client) => {
    await client.query(`CREATE DATABASE ${name}`)
    return (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? 'unknown'
  })
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    serverVersion,
    drop: () => onAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  }
}

/**
 * Compiles bench/*.ts to plain JavaScript in `outDir`, so the bare server runs on plain `node`
 * like the built Openline: under tsx it would carry the loader and esbuild (about 20 MB more RSS).
 * Type-only transpiling is enough; `tsc --noEmit` checks the types.
 */
export function compileBench(outDir: string): void {
  const benchDir = join(ROOT, 'bench')
  const sources = (readdirSync(benchDir, { recursive: true }) as string[]).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.startsWith('results'),
  )
  for (const file of sources) {
    const { outputText } = ts.transpileModule(readFileSync(join(benchDir, file), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
      fileName: file,
    })
    const target = join(outDir, file.replace(/\.ts$/, '.js'))
    mkdirSync(dirname(target), { recursive: true })
    writeFileSync(target, outputText)
  }
  writeFileSync(join(outDir, 'package.json'), '{"type":"module"}\n')
  // Bare imports (fastify, pg) resolve through the project's node_modules.
  symlinkSync(join(ROOT, 'node_modules'), join(outDir, 'node_modules'))
}
