import { describe, expect, it } from 'vitest'
import { closeObjects, closestName, unknownFieldMessage } from './strict.js'

describe('closeObjects', () => {
  it('closes objects at every depth, in arrays and union branches, and leaves free-form ones open', () => {
    const schema = {
      type: 'object',
      properties: {
        schedule: { anyOf: [{ type: 'object', properties: { type: { const: 'A' } } }, { type: 'string' }] },
        items: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' } } } },
        metadata: { type: 'object', additionalProperties: true },
        tags: { type: 'object', patternProperties: { '^x-': { type: 'string' } } },
        properties: { type: 'object', properties: {} },
      },
    }
    const closed = closeObjects(schema) as Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(closed.additionalProperties).toBe(false)
    expect(closed.properties.schedule.anyOf[0].additionalProperties).toBe(false)
    expect(closed.properties.schedule.anyOf[1]).toEqual({ type: 'string' })
    expect(closed.properties.items.items.additionalProperties).toBe(false)
    expect(closed.properties.metadata.additionalProperties).toBe(true)
    expect(closed.properties.tags.additionalProperties).toBeUndefined()
    expect(closed.properties.properties.additionalProperties).toBe(false)
    expect(schema).not.toHaveProperty('additionalProperties')
  })

  it('closes a discriminated union branch by branch, not at the level that only names its type', () => {
    const closed = closeObjects({
      type: 'object',
      oneOf: [{ type: 'object', properties: { type: { const: 'A' } } }],
      discriminator: { propertyName: 'type' },
    })
    expect(closed).not.toHaveProperty('additionalProperties')
    expect(closed.oneOf[0]).toHaveProperty('additionalProperties', false)
    expect(closeObjects({ type: 'object' })).toEqual({ type: 'object' })
  })

  it('leaves the members of an allOf open, since each would refuse the others’ fields', () => {
    const closed = closeObjects({ allOf: [{ type: 'object', properties: { a: {} } }] })
    expect(closed.allOf[0]).not.toHaveProperty('additionalProperties')
  })
})

describe('closestName', () => {
  it('suggests a name one typo or a case slip away, and nothing for an unrelated one', () => {
    expect(closestName('scheduleAt', ['productOfferingId', 'scheduledAt', 'metadata'])).toBe('scheduledAt')
    expect(closestName('offering', ['groups', 'offerings', 'promotions'])).toBe('offerings')
    expect(closestName('METADATA', ['metadata'])).toBe('metadata')
    expect(closestName('colour', ['productOfferingId', 'customerId'])).toBeUndefined()
    expect(unknownFieldMessage('emial', ['name', 'email'])).toBe('is not a known field (did you mean "email"?)')
    expect(unknownFieldMessage('x', [], 'key')).toBe('is not a known key')
  })
})
