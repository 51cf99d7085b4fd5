import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { EVENT_TYPES_END, EVENT_TYPES_START, eventTypesTable, withEventTypes } from './event-types-doc.js'
import { EVENT_TYPES, isEventType } from './event-types.js'

/** The types the Connect API reference lists (§6 Webhooks). */
const REFERENCE = [
  'order.submitted',
  'order.updated',
  'subscription.created',
  'subscription.updated',
  'subscription.subscriber_set',
  'subscription.ended',
  'subscription.portIn.created',
  'subscription.portIn.updated',
  'subscription.portIn.completed',
  'subscription.portIn.failed',
  'license.created',
  'license.renewed',
  'license.ended',
]

describe('the event type list', () => {
  it('holds each type once, dot-namespaced, with a resource and a one-line description', () => {
    const types = EVENT_TYPES.map((e) => e.type)
    expect(new Set(types).size).toBe(types.length)
    for (const e of EVENT_TYPES) {
      expect(e.type).toMatch(/^[a-z_]+(\.[a-zA-Z_]+)+$/)
      expect(e.resource).toMatch(/^[a-z_]+$/)
      expect(e.description).toMatch(/^[A-Z].*\.$/)
      expect(e.description).not.toContain('\n')
    }
  })

  it('marks exactly the reference’s types as the reference’s', () => {
    expect(EVENT_TYPES.filter((e) => 'reference' in e).map((e) => e.type)).toEqual(expect.arrayContaining(REFERENCE))
    expect(EVENT_TYPES.filter((e) => 'reference' in e)).toHaveLength(REFERENCE.length)
  })

  it('knows its own types and nothing else', () => {
    expect(isEventType('subscription.portIn.completed')).toBe(true)
    expect(isEventType('subscription.portin.completed')).toBe(false)
    expect(isEventType('order.*')).toBe(false)
    expect(isEventType('')).toBe(false)
  })

  it('is what docs/compatibility.md shows (regenerate with `npm run docs:event-types`)', () => {
    const doc = readFileSync(new URL('../../../docs/compatibility.md', import.meta.url), 'utf8')
    expect(doc).toContain(`${EVENT_TYPES_START}\n${eventTypesTable()}\n${EVENT_TYPES_END}`)
    expect(withEventTypes(doc)).toBe(doc)
    for (const e of EVENT_TYPES) expect(eventTypesTable()).toContain(`| \`${e.type}\` | \`${e.resource}\` |`)
  })

  it('refuses a document without the markers', () => {
    expect(() => withEventTypes('# nothing here')).toThrow(/markers/)
  })
})
