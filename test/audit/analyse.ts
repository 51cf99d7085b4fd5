import { parse } from 'libpg-query'

/**
 * The statement audit's rule, on the real PostgreSQL parser's tree: every reference to a tenant
 * table is tied to one tenant. A table is tied when a conjunct of its query level (WHERE, JOIN … ON)
 * equates its `tenant_id` with a parameter or a constant, or with the `tenant_id` of a table that is
 * tied (in the same level or an enclosing one: a correlated subquery, a join). An INSERT's rows carry
 * their tenant_id (it must be in the column list); an INSERT … SELECT is judged by its SELECT. A
 * level that locks rows (SELECT … FOR UPDATE/SHARE: `lock-untied`; an UPDATE or DELETE:
 * `write-untied`) may only be tied by a parameter or constant, in its own level or an enclosing one.
 */
export interface Finding {
  table: string
  problem: 'untied' | 'lock-untied' | 'write-untied' | 'insert-without-tenant'
}

type Node = Record<string, unknown>
interface Rel {
  alias: string
  table: string
}

export async function analyse(text: string, tenantTables: ReadonlySet<string>): Promise<Finding[]> {
  const tree = (await parse(text)) as { stmts?: { stmt: Node }[] }
  const findings: Finding[] = []
  for (const { stmt } of tree.stmts ?? []) visitStatement(stmt, [], tenantTables, findings)
  return findings
}

const STATEMENTS = ['SelectStmt', 'UpdateStmt', 'DeleteStmt', 'InsertStmt'] as const

function visitStatement(node: Node, outer: Scope[], tables: ReadonlySet<string>, findings: Finding[]): void {
  const [kind] = Object.keys(node)
  const body = node[kind as string] as Node
  if (!STATEMENTS.includes(kind as (typeof STATEMENTS)[number])) return
  // CTEs are levels of their own.
  const withClause = body.withClause as { WithClause?: { ctes?: Node[] } } | undefined
  for (const cte of ((withClause as Node | undefined)?.ctes as Node[] | undefined) ?? []) {
    const query = (cte.CommonTableExpr as Node | undefined)?.ctequery as Node | undefined
    if (query) visitStatement(query, outer, tables, findings)
  }
  if (kind === 'SelectStmt' && body.op && body.op !== 'SETOP_NONE') {
    for (const arm of [body.larg, body.rarg] as Node[]) visitStatement({ SelectStmt: arm }, outer, tables, findings)
    return
  }
  if (kind === 'InsertStmt') {
    const table = (body.relation as Node).relname as string
    const columns = ((body.cols as Node[] | undefined) ?? []).map((c) => (c.ResTarget as Node).name)
    if (tables.has(table) && !columns.includes('tenant_id')) findings.push({ table, problem: 'insert-without-tenant' })
    if (body.selectStmt) visitStatement(body.selectStmt as Node, outer, tables, findings)
    visitChildren(body.onConflictClause, outer, tables, findings)
    visitChildren(body.returningList, outer, tables, findings)
    return
  }
  const rels: Rel[] = []
  const quals: Node[] = []
  const nested: Node[] = []
  const from = (items: unknown) => {
    for (const item of (items as Node[] | undefined) ?? []) collectFrom(item, rels, quals, nested)
  }
  if (kind === 'SelectStmt') from(body.fromClause)
  else {
    collectFrom({ RangeVar: body.relation }, rels, quals, nested)
    from(kind === 'UpdateStmt' ? body.fromClause : body.usingClause)
  }
  if (body.whereClause) quals.push(body.whereClause as Node)
  const locks =
    kind !== 'SelectStmt'
      ? 'write-untied'
      : (body.lockingClause as unknown[] | undefined)?.length
        ? 'lock-untied'
        : undefined
  const scope = tie(rels, quals, outer)
  for (const rel of rels) {
    if (!tables.has(rel.table)) continue
    if (locks && !scope.byValue.has(rel.alias)) findings.push({ table: rel.table, problem: locks })
    else if (!scope.tied.has(rel.alias)) findings.push({ table: rel.table, problem: 'untied' })
  }
  const inner = [scope, ...outer]
  for (const sub of nested) visitStatement(sub, inner, tables, findings)
  // Subqueries anywhere else in the level: its target list, WHERE, HAVING, ORDER BY, SET.
  for (const key of ['targetList', 'whereClause', 'havingClause', 'sortClause', 'returningList'])
    visitChildren(body[key], inner, tables, findings)
  for (const q of quals) visitChildren(q, inner, tables, findings)
}

/** Nested statements under `value` (sub-links), each visited as a level inside `outer`. */
function visitChildren(value: unknown, outer: Scope[], tables: ReadonlySet<string>, findings: Finding[]): void {
  if (Array.isArray(value)) {
    for (const v of value) visitChildren(v, outer, tables, findings)
    return
  }
  if (!value || typeof value !== 'object') return
  const node = value as Node
  for (const [key, child] of Object.entries(node)) {
    if (STATEMENTS.includes(key as (typeof STATEMENTS)[number])) {
      visitStatement({ [key]: child } as Node, outer, tables, findings)
      continue
    }
    if (key === 'RangeSubselect' || key === 'JoinExpr') continue // handled by the level's FROM
    visitChildren(child, outer, tables, findings)
  }
}

function collectFrom(item: Node, rels: Rel[], quals: Node[], nested: Node[]): void {
  if (item.RangeVar) {
    const rv = item.RangeVar as Node
    const alias = ((rv.alias as Node | undefined)?.aliasname as string | undefined) ?? (rv.relname as string)
    rels.push({ alias, table: rv.relname as string })
  } else if (item.JoinExpr) {
    const join = item.JoinExpr as Node
    collectFrom(join.larg as Node, rels, quals, nested)
    collectFrom(join.rarg as Node, rels, quals, nested)
    if (join.quals) quals.push(join.quals as Node)
  } else if (item.RangeSubselect) {
    nested.push((item.RangeSubselect as Node).subquery as Node)
  }
}

interface Scope {
  /** Aliases tied to one tenant. */
  tied: Set<string>
  /** Aliases tied by a parameter or constant (directly or through an equality with such a one). */
  byValue: Set<string>
  aliases: Set<string>
  /** Aliases of `tenant` itself (the reference table): its `id` ties as a `tenant_id` does. */
  tenantAliases: Set<string>
}

/** The aliases of this level tied to one tenant, given the enclosing levels' scopes. */
function tie(rels: Rel[], quals: Node[], outer: Scope[]): Scope {
  const aliases = new Set(rels.map((r) => r.alias))
  const single = rels.length === 1 ? rels[0]?.alias : undefined
  const tenantAliases = new Set(rels.filter((r) => r.table === 'tenant').map((r) => r.alias))
  const scope: Scope = { tied: new Set(), byValue: new Set(), aliases, tenantAliases }
  const isTenant = (alias: string) =>
    tenantAliases.has(alias) || (!aliases.has(alias) && outer.some((o) => o.tenantAliases.has(alias)))
  const conjuncts = quals.flatMap(andTerms)
  const edges: [string, string][] = []
  for (const term of conjuncts) {
    const eq = equality(term)
    if (!eq) continue
    const [left, right] = eq.map((side) => keyRef(side, single, isTenant))
    const value = (side: Node) => isValue(side)
    if (left && value(eq[1])) mark(scope, left, true)
    else if (right && value(eq[0])) mark(scope, right, true)
    else if (left && right) edges.push([left, right])
  }
  const state = (alias: string): 'value' | 'tied' | undefined => {
    if (scope.byValue.has(alias)) return 'value'
    if (scope.tied.has(alias)) return 'tied'
    if (aliases.has(alias)) return undefined
    for (const o of outer) {
      if (o.byValue.has(alias)) return 'value'
      if (o.tied.has(alias)) return 'tied'
      if (o.aliases.has(alias)) return undefined
    }
    return undefined
  }
  for (let changed = true; changed;) {
    changed = false
    for (const [a, b] of edges)
      for (const [from, to] of [
        [a, b],
        [b, a],
      ] as const) {
        const s = state(from)
        if (!s || !aliases.has(to)) continue
        const before = scope.byValue.has(to) || (s === 'tied' && scope.tied.has(to))
        if (before) continue
        mark(scope, to, s === 'value')
        changed = true
      }
  }
  return scope
}

function mark(scope: Scope, alias: string, byValue: boolean): void {
  scope.tied.add(alias)
  if (byValue) scope.byValue.add(alias)
}

function andTerms(node: Node): Node[] {
  const bool = node.BoolExpr as Node | undefined
  if (bool?.boolop === 'AND_EXPR') return (bool.args as Node[]).flatMap(andTerms)
  return [node]
}

function equality(node: Node): [Node, Node] | undefined {
  const expr = node.A_Expr as Node | undefined
  if (!expr || expr.kind !== 'AEXPR_OP') return undefined
  const op = ((expr.name as Node[])[0]?.String as Node | undefined)?.sval
  return op === '=' ? [expr.lexpr as Node, expr.rexpr as Node] : undefined
}

/** The alias whose tenant key this is: `x.tenant_id`, `tenant_id` of the level's one table, or `tenant.id`. */
function keyRef(node: Node, single: string | undefined, isTenant: (alias: string) => boolean): string | undefined {
  const ref = unwrap(node).ColumnRef as Node | undefined
  if (!ref) return undefined
  const fields = (ref.fields as Node[]).map((f) => (f.String as Node | undefined)?.sval as string | undefined)
  const column = fields[fields.length - 1]
  const qualifier = fields.length > 1 ? fields[fields.length - 2] : single
  if (!qualifier) return undefined
  if (column === 'tenant_id') return qualifier
  if (column === 'id' && isTenant(qualifier)) return qualifier
  return undefined
}

function isValue(node: Node): boolean {
  const inner = unwrap(node)
  return Boolean(inner.ParamRef || inner.A_Const)
}

function unwrap(node: Node): Node {
  const cast = node.TypeCast as Node | undefined
  return cast ? unwrap(cast.arg as Node) : node
}
