import { InputError } from '@backstage/errors';
import { z } from 'zod';
import { issuesToMessage, parseInput } from './parseInput';

const query = z
  .object({
    days: z.coerce.number().int().min(1).default(7),
    owner: z.object({ ref: z.string() }).optional(),
  })
  .strict();

describe('parseInput', () => {
  it('returns what the schema makes of the value', () => {
    expect(parseInput(query, { days: '30' })).toEqual({ days: 30 });
    expect(parseInput(query, {})).toEqual({ days: 7 });
  });

  it('throws an InputError naming each issue by its path', () => {
    const error = (() => {
      try {
        return parseInput(query, { days: '0', owner: { ref: 1 } });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(
      'days: Too small: expected number to be >=1; owner.ref: Invalid input: expected string, received number',
    );
  });

  it('puts what was parsed first when told, and top-level issues without a path', () => {
    expect(() => parseInput(query, 'nope', 'Invalid query')).toThrow(
      new InputError(
        'Invalid query: Invalid input: expected object, received string',
      ),
    );
  });
});

describe('issuesToMessage', () => {
  it('joins the issues with semicolons', () => {
    const parsed = z
      .object({ a: z.string(), b: z.number() })
      .safeParse({ a: 1, b: 'x' });
    expect(parsed.success).toBe(false);
    expect(issuesToMessage(parsed.error!)).toBe(
      'a: Invalid input: expected string, received number; b: Invalid input: expected number, received string',
    );
  });
});
