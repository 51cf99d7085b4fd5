import { describe, expect, it } from 'vitest'
import { HUMAN_READABLE_ID_ALPHABET, generateHumanReadableId, isHumanReadableId } from './human-readable-id.js'

describe('humanReadableId', () => {
  it('has 3-4-3 groups from 30 unambiguous symbols', () => {
    expect(HUMAN_READABLE_ID_ALPHABET).toHaveLength(30)
    for (const confusable of '01OILU') expect(HUMAN_READABLE_ID_ALPHABET).not.toContain(confusable)
    expect(new Set(HUMAN_READABLE_ID_ALPHABET).size).toBe(30)
    for (let i = 0; i < 200; i++) {
      const id = generateHumanReadableId()
      expect(id).toMatch(/^[2-9A-Z]{3}-[2-9A-Z]{4}-[2-9A-Z]{3}$/)
      expect(isHumanReadableId(id)).toBe(true)
    }
  })

  it('maps the random source onto the alphabet, in reading order', () => {
    let n = 0
    expect(generateHumanReadableId(() => n++ % 30)).toBe('234-5678-9AB')
    expect(generateHumanReadableId(() => 29)).toBe('ZZZ-ZZZZ-ZZZ')
  })

  it('spreads over the whole alphabet', () => {
    const seen = new Set(
      Array.from({ length: 300 }, () => generateHumanReadableId())
        .join('')
        .replaceAll('-', ''),
    )
    expect(seen.size).toBe(30)
  })

  it.each(['29A-BY3Z-X78'])('accepts %s', (id) => expect(isHumanReadableId(id)).toBe(true))
  it.each([
    '29a-by3z-x78',
    '29A-BY3Z-X7',
    '29ABY3ZX78',
    '20A-BY3Z-X78',
    '29A-BY3Z-X7O',
    '29I-BY3Z-X78',
    'U9A-BY3Z-X78',
    '',
  ])('refuses %j', (id) => expect(isHumanReadableId(id)).toBe(false))
})
