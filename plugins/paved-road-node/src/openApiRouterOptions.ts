import type { createValidatedOpenApiRouter } from '@backstage/backend-openapi-utils';

/** What a plugin's generated `createOpenApiRouter` takes. */
export type OpenApiRouterOptions = NonNullable<
  Parameters<typeof createValidatedOpenApiRouter>[1]
>;

/**
 * The options Paved Road's backends build their OpenAPI router
 * (`createOpenApiRouter` of src/schema/openapi.generated.ts) with: the
 * defaults of @backstage/backend-openapi-utils but three. Bodies are parsed
 * before it, by the plugin's own router with its own limits, not by its
 * default `express.json()` on every route (inside it, a parser's error
 * would reach the validator's error handler, which makes every error a 400
 * InputError). Unknown query parameters pass the request validator: the
 * handlers refuse those they must, with their own messages. And
 * Backstage's httpAuth checks credentials: the validator would answer a
 * request without a token with its own 401. `ignorePaths`: the requests
 * the validator leaves alone altogether (it sees the path relative to the
 * router, or `<mount path>/<path>` once mounted).
 */
export function openApiRouterOptions(
  options: { ignorePaths?: (path: string) => boolean } = {},
): OpenApiRouterOptions {
  return {
    middleware: [(_req, _res, next) => next()],
    validatorOptions: {
      validateRequests: {
        coerceTypes: false,
        allowUnknownQueryParameters: true,
      },
      validateSecurity: false,
      ...(options.ignorePaths ? { ignorePaths: options.ignorePaths } : {}),
    },
  };
}
