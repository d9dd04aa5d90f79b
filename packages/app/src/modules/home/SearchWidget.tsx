import { HomePageSearchBar } from '@backstage/plugin-search';

export function SearchWidget() {
  return <HomePageSearchBar placeholder="Services, APIs, docs, teams…" />;
}
