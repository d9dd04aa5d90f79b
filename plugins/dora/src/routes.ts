import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The DORA page, `/dora`. */
export const rootRouteRef = createRouteRef();

/** Its "Metrics" tab, `/dora/metrics`. */
export const metricsRouteRef = createRouteRef();

/** Its "Sending data" tab, `/dora/send-data`: the ingestion how-to. */
export const sendDataRouteRef = createRouteRef();
