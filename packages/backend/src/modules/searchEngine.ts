import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { PgSearchEngine } from '@backstage/plugin-search-backend-module-pg';
import {
  LunrSearchEngine,
  SearchEngine,
} from '@backstage/plugin-search-backend-node';
import { searchEngineRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';

/**
 * A search engine that answers "no results" for document types whose index
 * does not exist yet. The in-memory engine throws `MissingIndexError` (a 500)
 * until a collator has indexed at least one document of the type, e.g.
 * `techdocs` before any site is built; to a reader that is simply nothing
 * found yet.
 */
export class EmptyUntilIndexedSearchEngine implements SearchEngine {
  constructor(private readonly engine: SearchEngine) {}

  setTranslator(translator: Parameters<SearchEngine['setTranslator']>[0]) {
    this.engine.setTranslator(translator);
  }

  getIndexer(type: string) {
    return this.engine.getIndexer(type);
  }

  async query(...args: Parameters<SearchEngine['query']>) {
    try {
      return await this.engine.query(...args);
    } catch (error) {
      // By name, as the search router itself tells it apart.
      if ((error as Error)?.name === 'MissingIndexError') {
        return { results: [], numberOfResults: 0 };
      }
      throw error;
    }
  }
}

/**
 * The search backend's in-memory (Lunr) engine, wrapped in
 * {@link EmptyUntilIndexedSearchEngine}, where the PostgreSQL engine does not
 * apply: it decides with the same test as `search-backend-module-pg`, which
 * registers its own engine on PostgreSQL (only one engine may be set).
 */
export const searchModuleInMemoryEngine = createBackendModule({
  pluginId: 'search',
  moduleId: 'in-memory-engine',
  register(reg) {
    reg.registerInit({
      deps: {
        database: coreServices.database,
        logger: coreServices.logger,
        registry: searchEngineRegistryExtensionPoint,
      },
      async init({ database, logger, registry }) {
        if (await PgSearchEngine.supported(database)) {
          return;
        }
        registry.setSearchEngine(
          new EmptyUntilIndexedSearchEngine(new LunrSearchEngine({ logger })),
        );
      },
    });
  },
});
