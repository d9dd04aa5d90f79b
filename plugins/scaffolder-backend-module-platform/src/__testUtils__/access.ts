import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { GoldenPathAccess } from '../access/GoldenPathAccess';

/** The embedded default: permission.enabled false, everyone may run everything. */
export const allowEveryone = GoldenPathAccess.fromConfig(
  new ConfigReader({}),
  mockServices.permissions({ result: AuthorizeResult.ALLOW }),
);

/** Production for a user the policy refuses. */
export const denyEveryone = GoldenPathAccess.fromConfig(
  new ConfigReader({}),
  mockServices.permissions({ result: AuthorizeResult.DENY }),
);

/** Production for a member of `team` only: the platform team's rights are denied. */
export function memberOf(team: string) {
  return GoldenPathAccess.fromConfig(
    new ConfigReader({}),
    mockServices.permissions.mock({
      authorize: async requests =>
        requests.map(request => ({
          result:
            'resourceRef' in request &&
            request.resourceRef === `group:default/${team}`
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
        })),
    }),
  );
}
