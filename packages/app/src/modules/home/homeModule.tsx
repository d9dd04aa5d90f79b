import { createFrontendModule } from '@backstage/frontend-plugin-api';
import {
  HomePageLayoutBlueprint,
  HomePageWidgetBlueprint,
} from '@backstage/plugin-home-react/alpha';

const widgets = [
  HomePageWidgetBlueprint.make({
    name: 'search',
    params: {
      name: 'search',
      title: 'Search',
      components: () =>
        import('./SearchWidget').then(m => ({ Content: m.SearchWidget })),
    },
  }),
  HomePageWidgetBlueprint.make({
    name: 'golden-paths',
    params: {
      name: 'golden-paths',
      title: 'Start something new',
      description: 'The golden paths: a service, an environment',
      components: () =>
        import('./GoldenPathsWidget').then(m => ({
          Content: m.GoldenPathsWidget,
        })),
    },
  }),
  HomePageWidgetBlueprint.make({
    name: 'team-services',
    params: {
      name: 'team-services',
      title: "Your teams' services",
      description:
        'Score, a flag on a failing critical check, and who is on call now',
      components: () =>
        import('./TeamServicesWidget').then(m => ({
          Content: m.TeamServicesWidget,
        })),
    },
  }),
  HomePageWidgetBlueprint.make({
    name: 'team-delivery',
    params: {
      name: 'team-delivery',
      title: "Your teams' delivery",
      description: 'The four DORA keys of your teams over the last 90 days',
      components: () =>
        import('./TeamDeliveryWidget').then(m => ({
          Content: m.TeamDeliveryWidget,
        })),
    },
  }),
];

const homeLayout = HomePageLayoutBlueprint.make({
  params: {
    loader: () => import('./HomeLayout').then(m => m.HomeLayout),
  },
});

export const homeModule = createFrontendModule({
  pluginId: 'home',
  extensions: [...widgets, homeLayout],
});
