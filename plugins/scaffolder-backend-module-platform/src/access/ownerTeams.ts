import { AuthService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { GroupHierarchy } from '@internal/paved-road-node';
import { OwnerTeam } from './permissions';

/**
 * Loads owner teams from the catalog with the portal's own credentials:
 * each team with every group below it. A ref the catalog does not hold as a
 * Group loads as undefined, which the permission framework denies.
 */
export function createOwnerTeamLoader(options: {
  catalog: CatalogService;
  auth: AuthService;
}) {
  return async (refs: string[]): Promise<Array<OwnerTeam | undefined>> => {
    const hierarchy = await GroupHierarchy.load(
      options.catalog,
      await options.auth.getOwnServiceCredentials(),
    );
    return refs.map(ref => {
      // As asked, in lower case (the configured platform team, or any ref a
      // caller sends): a short ref or one that is not a ref stays unknown
      // (denied), where entityRefKey would complete it or throw.
      const teamRef = ref.toLocaleLowerCase('en-US');
      const groups = hierarchy.subtree(teamRef);
      return groups && { ref: teamRef, groups: groups.map(g => g.ref) };
    });
  };
}
