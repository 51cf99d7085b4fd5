import { Type } from 'typebox'
import { parseEntityRef } from '../../../domain/shared/ids.js'
import type { EsimService } from '../../../services/inventory/esim.service.js'
import { problemResponses } from '../../problem.js'
import { DateTime } from '../../schemas/common.js'
import type { App } from '../../types.js'
import { SubscriptionParams } from '../subscriptions/subscriptions.schemas.js'

const tags = ['subscriptions']
const ref = (id: string) => parseEntityRef(id, 'subscriptionId')

const EsimQrCode = Type.Object({
  subscriptionId: Type.String({ format: 'uuid' }),
  qrCodeData: Type.String({
    description: 'What the QR code encodes: `LPA:` and the activation code.',
    examples: ['LPA:1$rsp.example.com$ABCD1234'],
  }),
  qrCodeUrl: Type.String({
    description:
      'The QR code as a `data:image/png;base64,…` URL, ready for an `<img src>`: nothing is hosted, so nothing outlives the response.',
  }),
  expiresAt: DateTime({ description: '24 hours after the request; ask for a new code after it.' }),
  metadata: Type.Object({ iccid: Type.String(), smdpAddress: Type.Union([Type.String(), Type.Null()]) }),
})

/** A binary body: documented as image/png, sent as a Buffer (never serialised as JSON). */
const PngImage = Type.Unsafe<Buffer>({
  description: 'The QR code.',
  content: { 'image/png': { schema: { type: 'string', format: 'binary' } } },
})

const SENSITIVE =
  "The code installs the subscription's eSIM on any device that scans it: every issue is recorded as a `sim.qrcode_issued` event, and responses carry `Cache-Control: no-store`."

/** eSIM activation QR codes, under the subscription they belong to. */
export async function esimRoutes(app: App, { esim }: { esim: EsimService }): Promise<void> {
  app.get(
    '/subscriptions/:subscriptionId/esim/qrcode',
    {
      schema: {
        operationId: 'getEsimQrCode',
        tags,
        summary: "Get a subscription's eSIM activation QR code",
        description: `Only for eSIM subscriptions (else 409 \`subscription.not_esim\`). ${SENSITIVE}`,
        params: SubscriptionParams,
        response: { 200: EsimQrCode, ...problemResponses(403, 404, 409) },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'no-store')
      return esim.qrCode(req.ctx, ref(req.params.subscriptionId))
    },
  )

  app.get(
    '/subscriptions/:subscriptionId/esim/qrcode.png',
    {
      schema: {
        operationId: 'getEsimQrCodePng',
        tags,
        summary: "Get a subscription's eSIM activation QR code as a PNG image",
        description: `The image of \`GET /subscriptions/{subscriptionId}/esim/qrcode\`. ${SENSITIVE}`,
        params: SubscriptionParams,
        response: {
          200: PngImage,
          ...problemResponses(403, 404, 409),
        },
      },
    },
    async (req, reply) => {
      const png = await esim.qrCodePng(req.ctx, ref(req.params.subscriptionId))
      return reply.header('cache-control', 'no-store').type('image/png').send(png)
    },
  )
}
