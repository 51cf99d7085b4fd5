// Copies what the compiled code reads at run time (the SQL migrations, the portal's templates and
// stylesheet) next to it in dist/,
// so the installed package runs without the source tree.
import { cpSync, mkdirSync, readdirSync } from 'node:fs'

const from = 'src/persistence/migrations'
const to = 'dist/persistence/migrations'
mkdirSync(to, { recursive: true })
for (const file of readdirSync(from).filter((f) => f.endsWith('.sql'))) cpSync(`${from}/${file}`, `${to}/${file}`)
for (const dir of ['http/portal/views', 'http/portal/assets']) cpSync(`src/${dir}`, `dist/${dir}`, { recursive: true })
