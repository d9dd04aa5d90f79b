import { ResponseError } from '@backstage/errors';
import { errorMessage } from './errorMessage';

describe('errorMessage', () => {
  it("gives the backend's message of a ResponseError", async () => {
    const error = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: { name: 'NotAllowedError', message: 'only the owners can' },
          request: { method: 'POST', url: '/api/oncall' },
          response: { statusCode: 403 },
        }),
        {
          status: 403,
          statusText: 'Forbidden',
          headers: { 'Content-Type': 'application/json' },
        },
      ),
    );
    expect(errorMessage(error)).toBe('only the owners can');
  });

  it("gives the error's own message without a cause that says more", () => {
    expect(errorMessage(new Error('Failed to fetch'))).toBe('Failed to fetch');
    expect(
      errorMessage(new Error('Request failed', { cause: new Error('') })),
    ).toBe('Request failed');
  });
});
