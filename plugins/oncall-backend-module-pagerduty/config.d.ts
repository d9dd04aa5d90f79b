export interface Config {
  oncall?: {
    /**
     * The PagerDuty on-call source
     * (`@internal/plugin-oncall-backend-module-pagerduty`). Read only when
     * the module is installed; it then refuses to start without `token`.
     */
    pagerduty?: {
      /**
       * False leaves PagerDuty out, e.g. in a production config layered on
       * one that sets it up. Read by the backend that loads the module.
       */
      enabled?: boolean;
      /**
       * The REST API v2 address. Default `https://api.pagerduty.com`;
       * `https://api.eu.pagerduty.com` for accounts in the EU service region.
       */
      apiBaseUrl?: string;
      /**
       * A PagerDuty REST API key (account or user key), sent as
       * `Authorization: Token token=<key>`. Read access is enough for the
       * on-call card and incidents; triggering incidents needs a full-access
       * key. From the environment, e.g. `${PAGERDUTY_TOKEN}`; never from an
       * entity annotation.
       * @visibility secret
       */
      token: string;
      /**
       * The email of a PagerDuty user incidents are opened in the name of
       * (the `From` header) when the requester's email is not a PagerDuty
       * user's. Without it, only PagerDuty users can trigger incidents.
       */
      fromEmail?: string;
      /**
       * How long an answer is reused before PagerDuty is asked again (never
       * past the next handover). Default 60; 0 asks PagerDuty every time.
       */
      cacheTtlSeconds?: number;
      /** Retries after a 429 before giving up. Default 3. */
      maxRetries?: number;
      /**
       * The longest wait for one retry after a 429. A longer wait asked for
       * by PagerDuty (`ratelimit-reset`, `Retry-After`) fails at once
       * instead (and the on-call backend shows its last answer, marked
       * stale): someone is waiting for the card. Default 10.
       */
      maxRetryWaitSeconds?: number;
      /** How long one request may take before PagerDuty counts as unreachable. Default 10. */
      requestTimeoutSeconds?: number;
      /**
       * The secret PagerDuty shows when the v3 webhook subscription is
       * created (Integrations > Generic Webhooks (v3)); deliveries to
       * `/api/oncall/pagerduty/webhooks` must be signed with it
       * (`X-PagerDuty-Signature`). Without it the endpoint answers 503.
       * @visibility secret
       */
      webhookSecret?: string;
      /** PagerDuty incidents as DORA incidents of the catalog Components that name their service. */
      doraIncidents?: {
        /** Default true. Needs `plugin:oncall` in `dora.ingestion.allowedSubjects`. */
        enabled?: boolean;
        /** How often incidents are listed and sent again, for what webhooks missed. Default 5. */
        reconcileEveryMinutes?: number;
        /** How far back each reconciliation looks (by creation time). Default 7. */
        lookbackDays?: number;
      };
    };
  };
}
