import type { TObject } from 'typebox'
import { Type } from 'typebox'
import type { FastifyRequest } from 'fastify'
import type { Role } from '../../domain/operators/roles.js'
import type { RequestContext } from '../../services/context.js'
import type { App } from '../types.js'
import { formAction, formFields, formKey } from './forms.js'
import { page } from './page.js'
import type { PortalDeps } from './portal.plugin.js'
import { preview } from './preview.js'

/** One field of an action's form (views/action-form.eta draws it). */
export interface FormField {
  name: string
  label: string
  kind: 'select' | 'date' | 'text'
  options?: { value: string; label: string }[]
  hint?: string
  required?: boolean
}

type Fields = Record<string, string>
type Params = Record<string, string>

/**
 * An action of the portal in three steps, each on the same path: a form (GET, when the query holds
 * no choice yet), a confirmation (GET with the choice: the service call previewed as the API's
 * dry-run, saying when it takes effect, or the refusal with the form again), and the POST that
 * runs the same call once per rendered form (formAction).
 */
export interface ActionSpec<T> {
  /** Under /portal, e.g. `/subscriptions/:subscriptionId/plan`. */
  url: string
  params: TObject
  /** The form's fields: the query of the confirmation and the body of the POST (all strings). */
  fields: TObject
  role?: Role
  title: string
  confirmLabel: string
  /** Whether the query holds a choice to confirm; else the form is shown. */
  chosen(fields: Fields): boolean
  form(req: FastifyRequest, params: Params): Promise<{ intro?: string; fields: FormField[] }>
  run(ctx: RequestContext, params: Params, fields: Fields): Promise<T>
  /** What will happen and when, from the previewed result (reads here see the previewed state). */
  effect(ctx: RequestContext, result: T, params: Params, fields: Fields): Promise<string>
  question(params: Params, fields: Fields): string
  /** The page to go back to, and where the action leads once done. */
  back(params: Params): string
}

const HIDDEN = Type.Object({ _csrf: Type.String({ maxLength: 200 }), _idem: Type.String({ maxLength: 200 }) })

/** Registers an action's GET (form or confirmation) and POST routes. */
export function actionRoutes<T>(app: App, deps: PortalDeps, spec: ActionSpec<T>): void {
  const config = { portalRole: spec.role ?? 'operator' }
  const body = Type.Object({ ...spec.fields.properties, ...HIDDEN.properties })

  app.get(spec.url, { schema: { params: spec.params, querystring: spec.fields }, config }, async (req, reply) => {
    const params = req.params as Params
    const fields = formFields(req.query)
    const path = req.url.split('?')[0] as string
    const showForm = async (problem?: unknown, status = 200) => {
      const form = await spec.form(req, params)
      const filled = form.fields.map((f) => ({ ...f, value: fields[f.name] ?? '' }))
      return page(
        req,
        reply,
        'action-form',
        { title: spec.title, ...form, fields: filled, path, problem, back: spec.back(params) },
        status,
      )
    }
    if (!spec.chosen(fields)) return showForm()
    const previewed = await preview(deps.database, req, async (ctx) =>
      spec.effect(ctx, await spec.run(ctx, params, fields), params, fields),
    )
    if (!previewed.ok) return showForm(previewed.problem, previewed.problem.status)
    return page(req, reply, 'confirm', {
      title: spec.question(params, fields),
      question: spec.question(params, fields),
      effect: previewed.value,
      action: path,
      idem: formKey(),
      fields,
      confirmLabel: spec.confirmLabel,
      cancelHref: spec.back(params),
    })
  })

  app.post(spec.url, { schema: { params: spec.params, body }, config }, async (req, reply) => {
    const params = req.params as Params
    return formAction(
      req,
      reply,
      deps.idempotency,
      (ctx) => spec.run(ctx, params, formFields(req.body)),
      () => spec.back(params),
    )
  })
}

/** A date field of a form: empty (now) or a YYYY-MM-DD day. */
export const DayField = Type.Optional(
  Type.Union([Type.Literal(''), Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', maxLength: 10 })]),
)
/** A free text or id field of a form. */
export const TextField = (maxLength = 200) => Type.Optional(Type.String({ maxLength }))
