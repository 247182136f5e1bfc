/** Shared OpenAPI schemas: the error shape every failure uses. */
import { z } from '@hono/zod-openapi';

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'validation_failed' }),
      message: z.string().openapi({ example: 'invalid body.username: Required' }),
      details: z.unknown().optional(),
    }),
  })
  .openapi('Error');

const err = (description: string) => ({ description, content: { 'application/json': { schema: ErrorSchema } } });

/** Error responses every route can produce (merged into each route by defineRoute). */
export const errorResponses = {
  400: err('Malformed JSON or a field that fails validation (details.issues names each field)'),
  401: err('No valid session'),
  403: err('Role not allowed, CSRF token missing, or another candidate\'s data'),
  413: err('Body larger than the limit'),
  500: err('Unexpected error (logged with the request id)'),
};
