import Typography from '@material-ui/core/Typography';
import { CodeSnippet, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { doraApiRef } from '../../api';

function curlExample(baseUrl: string, service: string): string {
  return `curl -sS -X POST ${baseUrl}/events \\
  -H "Authorization: Bearer $DORA_CI_TOKEN" -H 'Content-Type: application/json' \\
  -d '{
  "events": [
    { "type": "change", "idempotencyKey": "${service}-3f2a9c1", "service": "${service}",
      "commitSha": "3f2a9c1", "authoredAt": "2026-01-02T09:00:00Z",
      "prNumber": 42, "prOpenedAt": "2026-01-02T10:00:00Z",
      "mergedAt": "2026-01-02T15:00:00Z" },
    { "type": "deployment", "idempotencyKey": "${service}-deploy-981",
      "service": "${service}", "environment": "prod-eu", "status": "success",
      "startedAt": "2026-01-02T16:00:00Z", "finishedAt": "2026-01-02T16:07:00Z",
      "commitSha": "3f2a9c1", "commits": ["3f2a9c1"], "source": "argocd" },
    { "type": "incident", "idempotencyKey": "pd-Q1X-opened", "service": "${service}",
      "openedAt": "2026-01-02T17:00:00Z", "externalId": "PD-Q1X" }
  ]
}'`;
}

const CONFIG_EXAMPLE = `backend:
  auth:
    externalAccess:
      - type: static
        options:
          token: \${DORA_CI_TOKEN}
          subject: external-ci
dora:
  ingestion:
    allowedSubjects: [external-ci]`;

/**
 * How to get data in: the ingestion API of this very backend (URL from
 * discovery), the config a CI token needs, and the GitHub webhook.
 */
export function SendDataInstructions(props: { service?: string }) {
  const api = useApi(doraApiRef);
  const baseUrl = useAsync(() => api.getBaseUrl(), [api]);
  if (baseUrl.loading) return <Progress />;
  const url = baseUrl.value ?? '/api/dora';
  const service = props.service ?? 'orders-service';
  return (
    <>
      <Typography variant="h6" component="h3" id="dora-ingestion-api">
        Ingestion API
      </Typography>
      <Typography variant="body2" paragraph>
        Your CD pipeline posts deployments, changes (commits and pull requests)
        and incidents to <code>POST {url}/events</code>, up to 500 events a
        request. Each event carries an <code>idempotencyKey</code>, so a retried
        delivery is stored once; a batch is all-or-nothing and a bad event gets
        a 400 naming the event and field. <code>service</code> is the catalog
        entity ref of a Component; only deployments to production-tier
        environments count.
      </Typography>
      <CodeSnippet
        language="bash"
        text={curlExample(url, service)}
        showCopyCodeButton
      />
      <Typography variant="body2" paragraph style={{ marginTop: 16 }}>
        The token is a Backstage service token whose subject the dora backend
        allows, in <code>app-config.yaml</code>:
      </Typography>
      <CodeSnippet language="yaml" text={CONFIG_EXAMPLE} showCopyCodeButton />
      <Typography variant="h6" component="h3" style={{ marginTop: 16 }}>
        GitHub
      </Typography>
      <Typography variant="body2" paragraph>
        Or point a GitHub webhook (content type <code>application/json</code>,
        events <code>deployment_status</code>, <code>pull_request</code>,{' '}
        <code>push</code>) at <code>{url}/webhooks/github</code> with the secret
        from <code>dora.github.webhookSecret</code>, and annotate the component
        with <code>github.com/project-slug</code>. A scheduled backfill can read
        past deployments and pull requests too (
        <code>dora.github.backfill.enabled</code>).
      </Typography>
      <Typography variant="body2" color="textSecondary">
        The full reference — every event field, the environment tiers and the
        metric definitions — is in the dora backend README (
        <code>plugins/dora-backend/README.md</code>, sections &quot;API&quot;
        and &quot;Metric definitions&quot;).
      </Typography>
    </>
  );
}
