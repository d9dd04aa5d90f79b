import { Entity } from '@backstage/catalog-model';
import {
  createExtensionTester,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen, waitFor } from '@testing-library/react';
import { doraApiRef } from './api';
import { mockDoraApi } from './__testUtils__/fixtures';
import doraPlugin from './index';
import { doraEntityContent, doraTeamMetricsCard } from './plugin';

function component(type: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'x' },
    spec: { type, owner: 'team', lifecycle: 'production' },
  };
}

describe('doraPlugin', () => {
  it('provides the client, the page with its tabs, the service tab and the team card', () => {
    expect(doraPlugin.id).toBe('dora');
    const ids = [
      'api:dora',
      'page:dora',
      'sub-page:dora/metrics',
      'sub-page:dora/send-data',
      'entity-content:dora',
      'entity-card:dora/team-metrics',
    ];
    for (const id of ids) {
      expect(doraPlugin.getExtension(id as any)).toBeDefined();
    }
  });

  it('puts the DORA tab on components of type service only', () => {
    const tester = createExtensionTester(doraEntityContent);
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('DORA');
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    expect(filter(component('service'))).toBe(true);
    expect(filter(component('website'))).toBe(false);
    expect(filter({ ...component('service'), kind: 'API' } as Entity)).toBe(
      false,
    );
  });

  it('puts the team card on groups only', () => {
    const tester = createExtensionTester(doraTeamMetricsCard);
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction)!;
    const group: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'payments-team' },
      spec: { type: 'team', children: [] },
    };
    expect(filter(group)).toBe(true);
    expect(filter(component('service'))).toBe(false);
  });
});

// A whole app loads its lazy extensions first: well over findBy's 1 s
// default on a busy CI machine.
const appLoad = { timeout: 20_000 };
jest.setTimeout(40_000);

describe('the DORA page in an app', () => {
  function renderApp(path: string, api = mockDoraApi()) {
    renderTestApp({
      features: [doraPlugin],
      initialRouteEntries: [path],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [
        [doraApiRef, api],
        [catalogApiRef, catalogApiMock()],
      ],
    });
    return api;
  }

  it('opens /dora on the metrics tab', async () => {
    renderApp('/dora');
    expect(
      await screen.findByRole(
        'region',
        { name: 'Deployment frequency' },
        appLoad,
      ),
    ).toBeInTheDocument();
    expect(screen.getAllByText('DORA metrics').length).toBeGreaterThan(0);
    expect(screen.getByText('Sending data')).toBeInTheDocument();
  });

  it('has the ingestion how-to at /dora/send-data', async () => {
    renderApp('/dora/send-data');
    expect(
      await screen.findByText('Ingestion API', {}, appLoad),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/POST http:\/\/localhost:7007\/api\/dora\/events/),
    ).toBeInTheDocument();
  });

  it("opens the team card's link on that team's figures", async () => {
    const api = renderApp(
      '/dora/metrics?scope=team&team=group%3Adefault%2Fpayments-team&window=90',
    );
    await waitFor(
      () =>
        expect(api.getMetrics).toHaveBeenCalledWith(
          expect.objectContaining({
            scope: 'team',
            ref: 'group:default/payments-team',
          }),
        ),
      appLoad,
    );
    expect(
      await screen.findByRole(
        'region',
        { name: 'Deployment frequency' },
        appLoad,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/than the previous 90 days/).length,
    ).toBeGreaterThan(0);
  });
});
