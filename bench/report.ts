import type { Measurement } from './load.js'
import type { OneShotResult, OneShotSide } from './oneshot/oneshot.js'

export const TARGETS = ['openline', 'baseline', 'openline-info'] as const
export type TargetName = (typeof TARGETS)[number]

export interface Run extends Measurement {
  scenario: string
  target: TargetName
  round: number
  /** The server process's CPU time per request: far steadier than throughput on a shared machine. */
  cpuUsPerRequest: number
}

export interface Figures {
  reqPerSec: number
  p50Ms: number
  p99Ms: number
  cpuUsPerRequest: number
}

export interface ScenarioSummary {
  scenario: string
  roundTrips: string
  /** Means over the rounds. */
  figures: Record<TargetName, Figures>
  /** Openline / bare server: throughput (higher is better), p99 latency and CPU per request (lower is better). */
  throughputRatio: number
  p99Ratio: number
  cpuRatio: number
  /** Throughput lost, and CPU per request added, by logging every request (LOG_LEVEL=info) rather than warnings only. */
  loggingCost: number
  loggingCpuCost: number
  /** Runs with non-2xx answers or socket errors: their figures are suspect. */
  failures: number
}

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / Math.max(values.length, 1)
const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits

export function summarise(scenarios: { name: string; roundTrips: string }[], runs: Run[]): ScenarioSummary[] {
  return scenarios.map(({ name, roundTrips }) => {
    const mine = runs.filter((r) => r.scenario === name)
    const figuresOf = (target: TargetName): Figures => {
      const of = mine.filter((r) => r.target === target)
      return {
        reqPerSec: Math.round(mean(of.map((r) => r.reqPerSec))),
        p50Ms: round(mean(of.map((r) => r.p50Ms)), 1),
        p99Ms: round(mean(of.map((r) => r.p99Ms)), 1),
        cpuUsPerRequest: Math.round(mean(of.map((r) => r.cpuUsPerRequest))),
      }
    }
    const figures = {
      openline: figuresOf('openline'),
      baseline: figuresOf('baseline'),
      'openline-info': figuresOf('openline-info'),
    }
    return {
      scenario: name,
      roundTrips,
      figures,
      throughputRatio: round(figures.openline.reqPerSec / figures.baseline.reqPerSec, 2),
      p99Ratio: round(figures.openline.p99Ms / figures.baseline.p99Ms, 2),
      cpuRatio: round(figures.openline.cpuUsPerRequest / figures.baseline.cpuUsPerRequest, 2),
      loggingCost: round(1 - figures['openline-info'].reqPerSec / figures.openline.reqPerSec, 2),
      loggingCpuCost: round(figures['openline-info'].cpuUsPerRequest / figures.openline.cpuUsPerRequest - 1, 2),
      failures: mine.filter((r) => r.non2xx > 0 || r.errors > 0).length,
    }
  })
}

export interface OneShotSummary {
  scenario: string
  roundTrips: string
  openline: OneShotSide
  baseline: OneShotSide
  /** Openline's time to finish the batch / the bare side's (lower is better; the target: ≤ 2 for the worker). */
  timeRatio: number
  /** Openline's items per second / the bare side's. */
  throughputRatio: number
  /** Openline's p99 from enqueue to done / the bare side's, when measured. */
  p99Ratio?: number
}

export function summariseOneShots(
  results: { name: string; roundTrips: string; result: OneShotResult }[],
): OneShotSummary[] {
  return results.map(({ name, roundTrips, result: { openline, baseline } }) => ({
    scenario: name,
    roundTrips,
    openline,
    baseline,
    timeRatio: round(openline.seconds / baseline.seconds, 2),
    throughputRatio: round(openline.perSecond / baseline.perSecond, 2),
    ...(openline.p99Ms !== undefined &&
      baseline.p99Ms !== undefined && { p99Ratio: round(openline.p99Ms / Math.max(baseline.p99Ms, 1), 2) }),
  }))
}

/** The deep page's cost against page 1: Openline's time per request at depth / at page 1 (target ≤ 1.2), and the bare side's. */
export function listDepthRatios(
  summaries: ScenarioSummary[],
): { openline: number; baseline: number; openlineVsBareAtDepth: number } | undefined {
  const first = summaries.find((s) => s.scenario.startsWith('GET /customers page 1'))
  const deep = summaries.find((s) => s.scenario.startsWith('GET /customers at cursor depth'))
  if (!first || !deep) return undefined
  const perRequest = (f: Figures) => 1 / Math.max(f.reqPerSec, 1)
  return {
    openline: round(perRequest(deep.figures.openline) / perRequest(first.figures.openline), 2),
    baseline: round(perRequest(deep.figures.baseline) / perRequest(first.figures.baseline), 2),
    openlineVsBareAtDepth: deep.throughputRatio,
  }
}

const table = (header: string[], rows: (string | number)[][]): string =>
  [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n')
const percent = (fraction: number): string => `${Math.round(fraction * 100)}%`

export function markdown(
  summaries: ScenarioSummary[],
  oneShots: OneShotSummary[],
  memory: Record<TargetName, { rssMb: number; peakRssMb: number }>,
  setting: string,
): string {
  const ratios = table(
    ['Scenario', 'Throughput, Openline / bare', 'p99, Openline / bare', 'CPU per request, Openline / bare'],
    summaries.map((s) => [s.scenario, s.throughputRatio.toFixed(2), s.p99Ratio.toFixed(2), s.cpuRatio.toFixed(2)]),
  )
  const absolute = table(
    [
      'Scenario',
      'Openline req/s',
      'bare req/s',
      'Openline p50 / p99 (ms)',
      'bare p50 / p99 (ms)',
      'CPU µs per request, Openline / bare',
    ],
    summaries.map(({ scenario, figures: { openline: o, baseline: b } }) => [
      scenario,
      o.reqPerSec,
      b.reqPerSec,
      `${o.p50Ms} / ${o.p99Ms}`,
      `${b.p50Ms} / ${b.p99Ms}`,
      `${o.cpuUsPerRequest} / ${b.cpuUsPerRequest}`,
    ]),
  )
  const logging = table(
    [
      'Scenario',
      'LOG_LEVEL=warn req/s',
      'LOG_LEVEL=info req/s',
      'throughput lost',
      'p99 warn / info (ms)',
      'CPU µs per request warn / info',
      'CPU added',
    ],
    summaries.map(({ scenario, figures: f, loggingCost, loggingCpuCost }) => [
      scenario,
      f.openline.reqPerSec,
      f['openline-info'].reqPerSec,
      percent(loggingCost),
      `${f.openline.p99Ms} / ${f['openline-info'].p99Ms}`,
      `${f.openline.cpuUsPerRequest} / ${f['openline-info'].cpuUsPerRequest}`,
      percent(loggingCpuCost),
    ]),
  )
  const rss = table(
    ['Process', 'RSS at the end (MB)', 'peak RSS (MB)'],
    TARGETS.map((t) => [t, memory[t].rssMb, memory[t].peakRssMb]),
  )
  const timed = table(
    [
      'One-shot scenario',
      'Openline: done / asked, seconds, per s',
      'bare: done / asked, seconds, per s',
      'time, Openline / bare',
      'p50 / p99 enqueue to done (ms), Openline; bare',
    ],
    oneShots.map((o) => [
      o.scenario,
      `${o.openline.count} / ${o.openline.asked}, ${o.openline.seconds} s, ${o.openline.perSecond}/s`,
      `${o.baseline.count} / ${o.baseline.asked}, ${o.baseline.seconds} s, ${o.baseline.perSecond}/s`,
      o.timeRatio.toFixed(2),
      o.openline.p50Ms !== undefined
        ? `${o.openline.p50Ms} / ${o.openline.p99Ms}; ${o.baseline.p50Ms} / ${o.baseline.p99Ms}`
        : '–',
    ]),
  )
  const depth = listDepthRatios(summaries)
  const depthLine = depth
    ? `List page at cursor depth against page 1, time per request: Openline ${depth.openline.toFixed(2)} (target ≤ 1.2), bare ${depth.baseline.toFixed(2)}; Openline / bare at depth: ${depth.openlineVsBareAtDepth.toFixed(2)} of the throughput.\n`
    : ''
  const failed = summaries.filter((s) => s.failures > 0)
  const warning =
    failed.length > 0
      ? `\n**Warning**: runs with non-2xx answers or errors in ${failed.map((s) => s.scenario).join(', ')}.\n`
      : ''
  return [
    `${setting}\n`,
    ratios,
    '',
    depthLine,
    absolute,
    '',
    ...(oneShots.length > 0 ? [timed, ''] : []),
    logging,
    '',
    rss,
    warning,
  ].join('\n')
}
