import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  AuthenticationError,
  InputError,
  NotAllowedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { DoraConfig } from './config';
import {
  githubToEvents,
  outsideAllowedOrganizations,
  verifyGithubSignature,
} from './github';
import { IngestionService } from './ingestion';

/** One delivery as GitHub sent it: the exact bytes and the headers that matter. */
export interface GitHubDelivery {
  rawBody: Buffer;
  /** `X-Hub-Signature-256`. */
  signature?: string;
  /** `Content-Type`, and whether it is JSON. */
  contentType?: string;
  isJson: boolean;
  /** `X-GitHub-Delivery`. */
  deliveryId?: string;
  /** `X-GitHub-Event`. */
  event?: string;
}

/**
 * What to answer GitHub: the status and the JSON body (`GitHubWebhookAnswer`
 * in src/schema/openapi.yaml).
 */
export interface GitHubDeliveryAnswer {
  status: 200 | 202;
  body:
    | { status: 'pong' | 'duplicate' }
    | { status: 'ignored'; reason: string }
    | {
        status: 'stored';
        created: number;
        updated: number;
        duplicates: number;
      };
}

const RECORDED_EVENTS = ['deployment_status', 'pull_request', 'push'];

/**
 * GitHub's webhook deliveries as DORA events: checks the signature against
 * `dora.github.webhookSecret` before reading anything, refuses repositories
 * outside the allowed organisations (pings included, so a misplaced webhook
 * shows as failing at once), maps `push`, `pull_request` and
 * `deployment_status` of a repository to the catalog Components annotated
 * with its `github.com/project-slug`, and stores them once per delivery id.
 */
export class GitHubWebhookService {
  constructor(
    private readonly options: {
      config: DoraConfig;
      catalog: CatalogService;
      auth: AuthService;
      ingestion: IngestionService;
      logger: LoggerService;
    },
  ) {}

  async receive(delivery: GitHubDelivery): Promise<GitHubDeliveryAnswer> {
    const payload = this.verified(delivery);
    const { config } = this.options;
    const { deliveryId, event } = delivery as Required<GitHubDelivery>;
    const repo = payload.repository?.full_name;
    const outside =
      typeof repo === 'string' &&
      outsideAllowedOrganizations(repo, config.github.allowedOrganizations);
    if (outside) {
      throw new NotAllowedError(
        `${outside}: its deliveries are not recorded; remove the webhook from that repository, or add its organisation to the list`,
      );
    }
    if (event === 'ping') {
      return { status: 200, body: { status: 'pong' } };
    }
    if (!RECORDED_EVENTS.includes(event)) {
      return {
        status: 202,
        body: { status: 'ignored', reason: `event ${event}` },
      };
    }
    if (typeof repo !== 'string') {
      throw new InputError('repository.full_name is required');
    }
    const services = await this.componentsOf(repo);
    const events = githubToEvents(event, payload, services, new Date());
    if (events.length === 0) {
      return {
        status: 202,
        body: {
          status: 'ignored',
          reason: services.length
            ? 'nothing to record in this delivery'
            : `no catalog Component annotated github.com/project-slug: ${repo}`,
        },
      };
    }
    const { ingestion, logger } = this.options;
    const result = await ingestion.ingest(ingestion.parse({ events }), {
      delivery: { id: deliveryId, event },
    });
    if (result.replay) {
      logger.info(`Dropped replayed GitHub delivery ${deliveryId}`);
      return { status: 200, body: { status: 'duplicate' } };
    }
    return {
      status: 202,
      body: {
        status: 'stored',
        created: result.created,
        updated: result.updated,
        duplicates: result.duplicates,
      },
    };
  }

  /** The payload of a delivery signed with the secret, or why it is refused. */
  private verified(delivery: GitHubDelivery): any {
    const secret = this.options.config.githubWebhookSecret;
    if (!secret) {
      throw new ServiceUnavailableError(
        'GitHub webhooks are not configured (dora.github.webhookSecret)',
      );
    }
    if (!delivery.signature) {
      throw new AuthenticationError(
        'Missing X-Hub-Signature-256: give the webhook the secret of dora.github.webhookSecret',
      );
    }
    if (!verifyGithubSignature(secret, delivery.rawBody, delivery.signature)) {
      throw new AuthenticationError(
        'Invalid X-Hub-Signature-256: the body is not signed with dora.github.webhookSecret',
      );
    }
    if (!delivery.isJson) {
      throw new InputError(
        `Content-Type must be application/json, got '${
          delivery.contentType ?? 'none'
        }': set the webhook's content type to application/json in GitHub`,
      );
    }
    if (!delivery.deliveryId || !delivery.event) {
      throw new InputError(
        'X-GitHub-Delivery and X-GitHub-Event headers are required',
      );
    }
    let payload: any;
    try {
      payload = JSON.parse(delivery.rawBody.toString('utf8'));
    } catch {
      throw new InputError('Body is not valid JSON');
    }
    if (typeof payload !== 'object' || payload === null) {
      throw new InputError('Body must be a JSON object');
    }
    return payload;
  }

  /** The refs of the Components whose `github.com/project-slug` is `repo`. */
  private async componentsOf(repo: string): Promise<string[]> {
    const { catalog, auth } = this.options;
    const { items } = await catalog.getEntities(
      {
        filter: {
          kind: 'Component',
          'metadata.annotations.github.com/project-slug': repo,
        },
        fields: ['kind', 'metadata.name', 'metadata.namespace'],
      },
      { credentials: await auth.getOwnServiceCredentials() },
    );
    return items.map(e => stringifyEntityRef(e));
  }
}
