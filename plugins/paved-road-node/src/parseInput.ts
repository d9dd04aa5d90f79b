import { InputError } from '@backstage/errors';
import { z } from 'zod';

/**
 * A zod error as one line for a 400: each issue as `path: message` (the
 * message alone at the top level), separated by `; `.
 */
export function issuesToMessage(error: z.ZodError): string {
  return error.issues
    .map(i => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`)
    .join('; ');
}

/**
 * The value as the schema parses it, or an `InputError` (a 400 from the
 * default router) saying what is wrong, after `what: ` when given, e.g.
 * `parseInput(listQuery, req.query, 'Invalid query')`.
 */
export function parseInput<T>(
  schema: z.ZodType<T>,
  value: unknown,
  what?: string,
): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const message = issuesToMessage(parsed.error);
    throw new InputError(what ? `${what}: ${message}` : message);
  }
  return parsed.data;
}
