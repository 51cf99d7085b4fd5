import { describe, expect, it } from 'vitest'
import { grouped, progressReporter } from './progress.js'

describe('progressReporter', () => {
  const run = (total: number, steps: [done: number, at: number][]) => {
    const written: string[] = []
    let now = 0
    const report = progressReporter(
      total,
      'numbers',
      (line) => written.push(line),
      () => now,
    )
    for (const [done, at] of steps) {
      now = at
      report(done)
    }
    return written
  }

  it('reports each 10 000 rows passed and the last row, nothing in between within a second', () => {
    const steps = Array.from({ length: 25 }, (_, i) => [(i + 1) * 1000, i * 10] as [number, number])
    expect(run(25_000, steps)).toEqual([
      'imported 10 000 of 25 000 numbers',
      'imported 20 000 of 25 000 numbers',
      'imported 25 000 of 25 000 numbers',
    ])
  })

  it('reports a slow import once a second, and never the same count twice', () => {
    const steps: [number, number][] = [
      [1000, 400],
      [2000, 1000],
      [3000, 1500],
      [3000, 2500],
      [3000, 4000],
      [4000, 4100],
    ]
    expect(run(500_000, steps)).toEqual([
      'imported 2 000 of 500 000 numbers',
      'imported 3 000 of 500 000 numbers',
      'imported 4 000 of 500 000 numbers',
    ])
  })

  it('groups digits by three with spaces', () => {
    expect([0, 999, 1000, 120_000, 1_234_567].map(grouped)).toEqual(['0', '999', '1 000', '120 000', '1 234 567'])
  })
})
