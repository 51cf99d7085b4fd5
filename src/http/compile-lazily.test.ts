import { Ajv } from 'ajv'
import { describe, expect, it } from 'vitest'
import { compiledOnFirstUse, validatorOnFirstUse } from './compile-lazily.js'

describe('compiled on first use', () => {
  it('compiles once, on the first call, and not before', () => {
    let compiles = 0
    const run = compiledOnFirstUse(() => {
      compiles++
      return (n: number) => n * 2
    })
    expect(compiles).toBe(0)
    expect([run(1), run(2)]).toEqual([2, 4])
    expect(compiles).toBe(1)
  })

  it('gives a validator the errors and schemaEnv Fastify reads, and passes the parent on', () => {
    // Ajv replaces a root value only through its parent: a coerced root string needs it.
    const ajv = new Ajv({ coerceTypes: true })
    const validate = validatorOnFirstUse(() => ajv.compile({ type: 'number' }))
    expect(validate).toHaveProperty('schemaEnv')
    const parent = { value: '5' }
    expect(validate(parent.value, { parentData: parent, parentDataProperty: 'value' } as never)).toBe(true)
    expect(parent.value).toBe(5)
    expect(validate('x')).toBe(false)
    expect((validate as { errors?: unknown[] }).errors?.[0]).toMatchObject({ keyword: 'type' })
  })
})
