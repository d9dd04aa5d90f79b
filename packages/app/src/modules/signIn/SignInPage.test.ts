import { githubProvider, signInProvidersFor } from './SignInPage';

describe('signInProvidersFor', () => {
  it('offers guest sign-in only on the embedded development default', () => {
    expect(signInProvidersFor('development')).toEqual(['guest']);
  });

  it('offers GitHub, and never guest, in production or when unset', () => {
    expect(signInProvidersFor('production')).toEqual([githubProvider]);
    expect(signInProvidersFor(undefined)).toEqual([githubProvider]);
  });
});
