import { V2AddOn } from './add-ons.schemas.js'
import type { App } from '../../types.js'
import type { V2AddonService } from '../../../services/v2/v2-addon.service.js'
import { v2AddonRoutes } from './add-ons.routes.js'
import type { V2AuthDeps } from './v2-auth.js'
import { installV2Auth } from './v2-auth.js'
import { V2ErrorResponse, installV2Errors } from './v2-errors.js'

/** Shared schemas of the V2 API, added at the root so the OpenAPI document lists them as components. */
export function addV2Schemas(app: App): void {
  app.addSchema(V2AddOn)
  app.addSchema(V2ErrorResponse)
}

/**
 * The V2 add-ons facade, registered under `/v2`. Its own context: bearer-token (or API key)
 * authentication and the V2 error envelope apply to its routes only.
 */
export async function v2Routes(app: App, deps: V2AuthDeps & { v2Addons: V2AddonService }): Promise<void> {
  installV2Errors(app)
  installV2Auth(app, deps)
  await app.register(v2AddonRoutes, { v2Addons: deps.v2Addons })
}
