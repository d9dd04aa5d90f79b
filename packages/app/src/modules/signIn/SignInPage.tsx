import {
  SignInPage as CoreSignInPage,
  SignInProviderConfig,
} from '@backstage/core-components';
import {
  configApiRef,
  githubAuthApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import type { SignInPageProps } from '@backstage/plugin-app-react';

export const githubProvider: SignInProviderConfig = {
  id: 'github-auth-provider',
  title: 'GitHub',
  message: 'Sign in with your GitHub account',
  apiRef: githubAuthApiRef,
};

/**
 * Guest sign-in exists only on the embedded default (auth.environment
 * "development"); every other environment signs in through GitHub. The backend
 * refuses guest tokens outside development as well, so this only keeps the
 * page honest about what will work.
 */
export function signInProvidersFor(authEnvironment: string | undefined) {
  return authEnvironment === 'development'
    ? (['guest'] as const)
    : [githubProvider];
}

export function SignInPage(props: SignInPageProps) {
  const config = useApi(configApiRef);
  const providers = signInProvidersFor(
    config.getOptionalString('auth.environment'),
  );
  return <CoreSignInPage {...props} providers={[...providers]} />;
}
