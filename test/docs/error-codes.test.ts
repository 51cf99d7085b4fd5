import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { DOC_PATH, END, START, renderErrorCodes, withErrorCodes } from '../../scripts/error-codes.js'
import { ERROR_CODES } from '../../src/domain/shared/error-codes.js'

describe('the error codes in docs/compatibility.md', () => {
  it('are the table error-codes.ts generates (run npm run docs:error-codes after changing the list)', () => {
    const doc = readFileSync(DOC_PATH, 'utf8')
    expect(doc).toContain(START)
    expect(withErrorCodes(doc)).toBe(doc)
  })

  it('lists every code once, with its status', () => {
    const table = renderErrorCodes()
    for (const code of Object.keys(ERROR_CODES)) expect(table.split(`| \`${code}\` |`)).toHaveLength(2)
    expect(table).toContain('| `addon.is_cancelled` | 409 |')
    expect(table).toContain('| `product_offering.not_found` | 404, 422 |')
  })

  it('refuses a document without the markers', () => {
    expect(() => withErrorCodes('# no section')).toThrow(/error-codes:start/)
    expect(() => withErrorCodes(`${END}\n${START}`)).toThrow()
  })
})
