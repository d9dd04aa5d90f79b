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
        import('./widgets').then(m => ({ Content: m.SearchWidget })),
    },
  }),
  HomePageWidgetBlueprint.make({
    name: 'golden-paths',
    params: {
      name: 'golden-paths',
      title: 'Start something new',
      description: 'The golden paths: a service, an environment',
      components: () =>
        import('./widgets').then(m => ({ Content: m.GoldenPathsWidget })),
    },
  }),
  HomePageWidgetBlueprint.make({
    name: 'team-services',
    params: {
      name: 'team-services',
      title: "Your teams' services",
      components: () =>
        import('./widgets').then(m => ({ Content: m.TeamServicesWidget })),
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
