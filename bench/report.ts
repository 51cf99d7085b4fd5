import type { Measurement } from './load.js'

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

const table = (header: string[], rows: (string | number)[][]): string =>
  [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n')
const percent = (fraction: number): string => `${Math.round(fraction * 100)}%`

export function markdown(
  summaries: ScenarioSummary[],
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
  const failed = summaries.filter((s) => s.failures > 0)
  const warning =
    failed.length > 0
      ? `\n**Warning**: runs with non-2xx answers or errors in ${failed.map((s) => s.scenario).join(', ')}.\n`
      : ''
  return [`${setting}\n`, ratios, '', absolute, '', logging, '', rss, warning].join('\n')
}
