import { Config } from '@backstage/config';

export interface AccessConfig {
  platformTeam: string;
  platformTemplateTag: string;
}

/** `pavedRoad.access`, with the example organisation's names as defaults. */
export function readAccessConfig(config: Config): AccessConfig {
  const access = config.getOptionalConfig('pavedRoad.access');
  return {
    platformTeam:
      access?.getOptionalString('platformTeam') ??
      'group:default/platform-team',
    platformTemplateTag:
      access?.getOptionalString('platformTemplateTag') ?? 'platform-team',
  };
}
