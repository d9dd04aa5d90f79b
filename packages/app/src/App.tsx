import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { navModule } from './modules/nav';
import { homeModule } from './modules/home';
import { signInModule } from './modules/signIn';
import { entityLayoutModule } from './modules/entityLayout';
import { themeModule } from './modules/theme';
import { apiDocsModule } from './modules/apiDocs';

export default createApp({
  features: [
    catalogPlugin,
    navModule,
    homeModule,
    signInModule,
    entityLayoutModule,
    themeModule,
    apiDocsModule,
  ],
});
