import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  goldenPathWritePermission,
  namespaceAdoptPermission,
} from './permissions';

/** What an action knows of who started the task. */
export interface Initiator {
  user?: { ref?: string };
  getInitiatorCredentials(): Promise<BackstageCredentials>;
}

const refName = (ref: string) => ref.replace(/^[^:]*:([^/]*\/)?/, '');

/** An owner as the templates pass it: a team name or a full group ref. */
const teamRefOf = (owner: string) =>
  stringifyEntityRef(
    parseEntityRef(owner, {
      defaultKind: 'group',
      defaultNamespace: 'default',
    }),
  );

/**
 * Decides, through the permission framework, whether the person who started
 * a task may write in the owner team's name. With `permission.enabled`
 * false (the embedded default) the framework allows everything; production
 * runs the Paved Road policy.
 */
export class GoldenPathAccess {
  private constructor(
    private readonly permissions: PermissionsService,
    private readonly platformTeam: string,
  ) {}

  static fromConfig(config: Config, permissions: PermissionsService) {
    return new GoldenPathAccess(
      permissions,
      config.getOptionalString('pavedRoad.access.platformTeam') ??
        'group:default/platform-team',
    );
  }

  /**
   * Refuses unless the initiator is a member of `owner` (a team name or
   * ref; a group below it counts) or of the platform team. Without an
   * owner, only the platform team may write.
   */
  async assertMayActFor(
    ctx: Initiator,
    owner: string | undefined,
    what: string,
  ): Promise<void> {
    const teamRef = owner ? teamRefOf(owner) : this.platformTeam;
    const [decision] = await this.permissions.authorize(
      [{ permission: goldenPathWritePermission, resourceRef: teamRef }],
      { credentials: await ctx.getInitiatorCredentials() },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      const team = refName(teamRef);
      const platform = refName(this.platformTeam);
      throw new NotAllowedError(
        `${this.who(
          ctx,
        )} may not ${what} for team "${team}": only members of ${team} (or of a team under it) and of ${platform} may. Ask a member of ${team} or the ${platform} to run it.`,
      );
    }
  }

  /** Refuses adopting or force-applying over another's namespace, but for the platform team. */
  async assertMayAdopt(ctx: Initiator, namespace: string): Promise<void> {
    const [decision] = await this.permissions.authorize(
      [{ permission: namespaceAdoptPermission }],
      { credentials: await ctx.getInitiatorCredentials() },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      const platform = refName(this.platformTeam);
      throw new NotAllowedError(
        `${this.who(
          ctx,
        )} may not set overwrite: true on namespace "${namespace}": taking over a namespace or fields someone else manages is for the ${platform} only. Leave overwrite unset, or ask the ${platform}.`,
      );
    }
  }

  private who(ctx: Initiator) {
    return ctx.user?.ref ? `User "${refName(ctx.user.ref)}"` : 'This caller';
  }
}
