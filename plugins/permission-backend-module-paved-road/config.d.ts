export interface Config {
  pavedRoad?: {
    /** Access control in production (the paved-road permission policy). */
    access?: {
      /**
       * The platform team's group entity ref; its members may do everything a
       * signed-in user may do, on every entity. Default group:default/platform-team.
       */
      platformTeam?: string;
      /**
       * Templates with this tag (metadata.tags) are visible to, and run by,
       * the platform team only. Default platform-team.
       */
      platformTemplateTag?: string;
    };
  };
}
