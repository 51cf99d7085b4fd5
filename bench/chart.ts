/**
 * `npm run bench:chart [results.json]`: draws the Openline / bare ratios of a bench run (the newest
 * bench/results/*.json unless a file is given) as an SVG, docs/performance.svg. Dependency-free:
 * horizontal bars on a log scale, 1 = as fast as the bare server.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './processes.js'
import type { OneShotSummary, ScenarioSummary } from './report.js'
import { listDepthRatios } from './report.js'

interface Results {
  startedAt: string
  machine: { cpus: number; cpuModel: string; loadAvgAtEnd: number }
  settings: { rounds: number; duration: number }
  summaries: ScenarioSummary[]
  oneShots?: OneShotSummary[]
}

interface Bar {
  label: string
  value: number
  /** Which way is better: throughput above 1 is better, cost below 1. */
  kind: 'throughput' | 'cost'
}

const resultsDir = join(ROOT, 'bench', 'results')
const file =
  process.argv[2] ??
  join(
    resultsDir,
    readdirSync(resultsDir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .at(-1) ?? '',
  )
const results = JSON.parse(readFileSync(file, 'utf8')) as Results
const out = join(ROOT, 'docs', 'performance.svg')

const groups: { title: string; bars: Bar[] }[] = [
  ...results.summaries.map((s) => ({
    title: s.scenario,
    bars: [
      { label: 'throughput', value: s.throughputRatio, kind: 'throughput' as const },
      { label: 'CPU per request', value: s.cpuRatio, kind: 'cost' as const },
      { label: 'p99 latency', value: s.p99Ratio, kind: 'cost' as const },
    ],
  })),
  ...(results.oneShots ?? []).map((o) => ({
    title: o.scenario,
    bars: [
      { label: 'time to finish', value: o.timeRatio, kind: 'cost' as const },
      ...(o.p99Ratio !== undefined ? [{ label: 'p99 latency', value: o.p99Ratio, kind: 'cost' as const }] : []),
    ],
  })),
]

const depth = listDepthRatios(results.summaries)
if (depth)
  groups.push({
    title: 'list page at cursor depth / page 1 (time per request; target ≤ 1.2)',
    bars: [
      { label: 'Openline', value: depth.openline, kind: 'cost' },
      { label: 'bare', value: depth.baseline, kind: 'cost' },
    ],
  })

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const values = groups.flatMap((g) => g.bars.map((b) => b.value)).filter((v) => Number.isFinite(v) && v > 0)
const lo = Math.min(0.1, ...values)
const hi = Math.max(10, ...values)
const [minLog, maxLog] = [Math.floor(Math.log10(lo)), Math.ceil(Math.log10(hi))]
const left = 330
const plotWidth = 420
const x = (v: number) => left + ((Math.log10(Math.max(v, 10 ** minLog)) - minLog) / (maxLog - minLog)) * plotWidth
const barHeight = 14
const rows: string[] = []
let y = 58
for (const group of groups) {
  rows.push(`<text x="8" y="${y + 11}" font-weight="bold">${escape(group.title)}</text>`)
  y += 18
  for (const bar of group.bars) {
    const value = Number.isFinite(bar.value) ? bar.value : 0
    const good = bar.kind === 'throughput' ? value >= 1 : value <= 1
    const [from, to] = [Math.min(x(1), x(value)), Math.max(x(1), x(value))]
    rows.push(
      `<text x="${left - 8}" y="${y + 11}" text-anchor="end">${escape(bar.label)}</text>`,
      `<rect x="${from.toFixed(1)}" y="${y}" width="${Math.max(to - from, 1).toFixed(1)}" height="${barHeight}" fill="${good ? '#2e7d32' : '#c62828'}"/>`,
      `<text x="${(to + 4).toFixed(1)}" y="${y + 11}">${value.toFixed(2)}×</text>`,
    )
    y += barHeight + 4
  }
  y += 8
}
const height = y + 30
const ticks: string[] = []
for (let p = minLog; p <= maxLog; p++) {
  const v = 10 ** p
  ticks.push(
    `<line x1="${x(v)}" y1="48" x2="${x(v)}" y2="${height - 28}" stroke="${p === 0 ? '#333' : '#ddd'}"/>`,
    `<text x="${x(v)}" y="${height - 14}" text-anchor="middle">${v >= 1 ? v : v.toFixed(-p)}×</text>`,
  )
}
const { machine, settings } = results
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${left + plotWidth + 80}" height="${height}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="#fff"/>
<text x="8" y="18" font-size="14" font-weight="bold">Openline / bare server, per scenario (log scale; 1× = the same as bare)</text>
<text x="8" y="36" fill="#555">${escape(`${results.startedAt.slice(0, 16)} UTC, ${settings.rounds} round(s) of ${settings.duration} s, ${machine.cpus} CPUs, load ${machine.loadAvgAtEnd.toFixed(1)} at the end. Green: better than or equal to bare; red: worse.`)}</text>
${ticks.join('\n')}
${rows.join('\n')}
</svg>
`
writeFileSync(out, svg)
process.stderr.write(`${out} written from ${file}\n`)
