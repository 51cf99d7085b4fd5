/** Rewrites the event list of docs/compatibility.md from src/domain/webhooks/event-types.ts. */
import { readFileSync, writeFileSync } from 'node:fs'
import { withEventTypes } from '../src/domain/webhooks/event-types-doc.js'

const file = new URL('../docs/compatibility.md', import.meta.url)
const before = readFileSync(file, 'utf8')
const after = withEventTypes(before)
if (after !== before) writeFileSync(file, after)
console.log(
  after === before ? 'docs/compatibility.md: event list up to date' : 'docs/compatibility.md: event list rewritten',
)
