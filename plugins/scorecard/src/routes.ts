import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The scorecard page, `/scorecard`. */
export const rootRouteRef = createRouteRef();
