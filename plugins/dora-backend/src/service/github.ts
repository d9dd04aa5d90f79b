import { createHmac, timingSafeEqual } from 'crypto';
import { InputError } from '@backstage/errors';
import { DoraEvent } from '@internal/plugin-dora-common';
import { ALLOWED_ORGANIZATIONS_KEY } from './config';

/**
 * True when `signatureHeader` (`sha256=<hex>`) is the HMAC-SHA256 of the raw
 * body under `secret`. Constant-time compare.
 */
export function verifyGithubSignature(
  secret: string,
  rawBody: Buffer,
  signatureHeader: string | undefined,
): boolean {
  if (!signatureHeader || !signatureHeader.startsWith('sha256=')) {
    return false;
  }
  const expected = Buffer.from(
    `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`,
    'utf8',
  );
  const given = Buffer.from(signatureHeader, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Why a repository (`owner/name`) may not feed DORA, or undefined when it
 * may: its owner must be one of `allowed` (lower-case;
 * `pavedRoad.github.allowedOrganizations`), unless that is unset.
 */
export function outsideAllowedOrganizations(
  repo: string,
  allowed: string[] | undefined,
): string | undefined {
  const organization = repo.split('/')[0].toLocaleLowerCase('en-US');
  if (!allowed || allowed.includes(organization)) {
    return undefined;
  }
  return `repository ${repo} is outside the allowed GitHub organisations (${
    allowed.join(', ') || 'none'
  }; ${ALLOWED_ORGANIZATIONS_KEY})`;
}

/** The parts of a GitHub webhook payload we read. */
export type GithubPayload = Record<string, any>;

function iso(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return new Date(value * 1000).toISOString();
  return undefined;
}

/**
 * Maps a GitHub webhook delivery to DORA events for each catalog component
 * of the repository. Returns an empty list for events we do not use; throws
 * an InputError for a payload whose shape GitHub would never send.
 */
export function githubToEvents(
  event: string,
  payload: GithubPayload,
  services: string[],
  receivedAt: Date,
): DoraEvent[] {
  const repo: string | undefined = payload?.repository?.full_name;
  if (!repo) return [];
  const out: DoraEvent[] = [];
  for (const service of services) {
    if (event === 'deployment_status') {
      const status = payload.deployment_status;
      const deployment = payload.deployment;
      const state: string | undefined = status?.state;
      if (
        !deployment ||
        (state !== 'success' && state !== 'failure' && state !== 'error')
      ) {
        continue;
      }
      out.push({
        type: 'deployment',
        idempotencyKey: `github:${repo}:deployment_status:${status.id}:${service}`,
        service,
        environment: status.environment ?? deployment.environment,
        ...(deployment.production_environment === true
          ? { environmentTier: 'production' as const }
          : {}),
        status: state === 'success' ? 'success' : 'failure',
        startedAt: iso(deployment.created_at),
        finishedAt: iso(status.created_at) ?? receivedAt.toISOString(),
        commitSha: deployment.sha,
        externalId: `github:${repo}:deployment:${deployment.id}`,
        source: 'github',
      });
    } else if (event === 'pull_request') {
      const pr = payload.pull_request;
      if (payload.action !== 'closed' || !pr?.merged || !pr.merge_commit_sha) {
        continue;
      }
      // The merge (or squash) commit is created at merge time and hides the
      // branch commits, so lead time falls back to the PR-open time.
      out.push({
        type: 'change',
        idempotencyKey: `github:${repo}:pr:${pr.number}:${service}`,
        service,
        commitSha: pr.merge_commit_sha,
        authoredAt: iso(pr.merged_at)!,
        prNumber: pr.number,
        prOpenedAt: iso(pr.created_at),
        mergedAt: iso(pr.merged_at),
        squashMerge: true,
        source: 'github',
      });
    } else if (event === 'push') {
      const pushedAt =
        iso(payload.repository?.pushed_at) ?? receivedAt.toISOString();
      const commits = payload.commits ?? [];
      if (!Array.isArray(commits)) {
        throw new InputError('commits: must be an array');
      }
      for (const commit of commits) {
        if (!commit?.id) continue;
        out.push({
          type: 'change',
          idempotencyKey: `github:${repo}:commit:${commit.id}:${service}`,
          service,
          commitSha: commit.id,
          authoredAt: iso(commit.timestamp) ?? pushedAt,
          firstPushedAt: pushedAt,
          source: 'github',
        });
      }
    }
  }
  return out;
}
