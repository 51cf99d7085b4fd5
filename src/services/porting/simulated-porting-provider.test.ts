import { describe, expect, it } from 'vitest'
import { FakeClock } from '../../domain/shared/clock.js'
import type { PortInRequest } from './porting-provider.js'
import { REVIEW_MS, SimulatedPortingProvider } from './simulated-porting-provider.js'

const DAY = 24 * 60 * 60 * 1000
const request = (overrides: Partial<PortInRequest> = {}): PortInRequest => ({
  tenantId: '0194c1a2-0000-7000-8000-000000000001',
  portInId: '0194c1a2-7b3c-7def-8123-456789abcdef',
  subscriptionId: '0194c1a2-0000-7000-8000-000000000002',
  msisdn: '+15557771234',
  country: 'US',
  details: {},
  revision: 1,
  reference: null,
  ...overrides,
})

/** Submits, then checks at each instant the provider asks for, until it stops asking. */
async function walk(provider: SimulatedPortingProvider, clock: FakeClock, r: PortInRequest) {
  const answers = []
  let answer = await provider.submit(r)
  answers.push(answer)
  while ('checkAfterMs' in answer) {
    clock.advance(answer.checkAfterMs)
    answer = await provider.check({ ...r, reference: (answers[0] as { reference: string }).reference })
    answers.push(answer)
  }
  return answers
}

describe('simulated porting provider', () => {
  it('takes a request, confirms a date after an hour’s review and ports a day after submission', async () => {
    const clock = new FakeClock('2025-01-15T10:00:00Z')
    const provider = new SimulatedPortingProvider({ type: 'simulated' }, clock)
    const answers = await walk(provider, clock, request())
    expect(answers.map((a) => a.status)).toEqual(['IN_PROGRESS', 'SCHEDULED', 'COMPLETED'])
    expect(answers[0]).toMatchObject({ reference: 'sim-port-456789abcdef-1-1736935200000', checkAfterMs: REVIEW_MS })
    expect(answers[1]).toMatchObject({ scheduledAt: new Date('2025-01-16T10:00:00Z'), checkAfterMs: DAY - REVIEW_MS })
    expect(clock.now()).toEqual(new Date('2025-01-16T10:00:00Z'))
  })

  it('answers IN_PROGRESS while the donor still reviews', async () => {
    const clock = new FakeClock('2025-01-15T10:00:00Z')
    const provider = new SimulatedPortingProvider({ type: 'simulated' }, clock)
    const { reference } = (await provider.submit(request())) as { reference: string }
    clock.advance(REVIEW_MS - 1)
    expect(await provider.check({ ...request(), reference })).toEqual({
      status: 'IN_PROGRESS',
      reference,
      checkAfterMs: 1,
    })
    await expect(provider.check({ ...request(), reference: 'nonsense' })).rejects.toMatchObject({ retryable: false })
  })

  it('walks each magic ending’s path', async () => {
    const paths: Record<string, string[]> = {}
    for (const [msisdn, revision] of [
      ['+15557770001', 1],
      ['+15557770001', 2],
      ['+15557770002', 1],
      ['+15557770003', 1],
      ['+46701230007', 1],
    ] as const) {
      const clock = new FakeClock('2025-01-15T10:00:00Z')
      const answers = await walk(
        new SimulatedPortingProvider({ type: 'simulated' }, clock),
        clock,
        request({ msisdn, revision }),
      )
      paths[`${msisdn}@${revision}`] = answers.map((a) => a.status)
      if (msisdn.endsWith('0007')) expect(clock.now()).toEqual(new Date('2025-01-22T10:00:00Z'))
    }
    expect(paths).toEqual({
      '+15557770001@1': ['IN_PROGRESS', 'REJECTED'],
      '+15557770001@2': ['IN_PROGRESS', 'SCHEDULED', 'COMPLETED'],
      '+15557770002@1': ['IN_PROGRESS', 'FAILED'],
      '+15557770003@1': ['IN_PROGRESS', 'SCHEDULED', 'FAILED'],
      '+46701230007@1': ['IN_PROGRESS', 'SCHEDULED', 'COMPLETED'],
    })
  })

  it('ports after completeAfterDays, and no earlier than the review', async () => {
    const clock = new FakeClock('2025-01-15T10:00:00Z')
    await walk(new SimulatedPortingProvider({ type: 'simulated', completeAfterDays: 3 }, clock), clock, request())
    expect(clock.now()).toEqual(new Date('2025-01-18T10:00:00Z'))
    const now = new FakeClock('2025-01-15T10:00:00Z')
    const answers = await walk(
      new SimulatedPortingProvider({ type: 'simulated', completeAfterDays: 0 }, now),
      now,
      request(),
    )
    expect(answers.map((a) => a.status)).toEqual(['IN_PROGRESS', 'COMPLETED'])
    expect(now.now()).toEqual(new Date('2025-01-15T11:00:00Z'))
  })
})
