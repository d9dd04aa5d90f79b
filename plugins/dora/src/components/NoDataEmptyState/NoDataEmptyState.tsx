import Box from '@material-ui/core/Box';
import { EmptyState, InfoCard, LinkButton } from '@backstage/core-components';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import { sendDataRouteRef } from '../../routes';
import { SendDataInstructions } from '../SendDataInstructions';
import { DoraWindow, windowLength, windowPhrase } from '../../lib/window';

/** Shown when the scope has no deployments, changes or incidents at all. */
export function NoDataEmptyState(props: {
  subject: string;
  window: DoraWindow;
  /** Entity ref to prefill the example with, for a service. */
  service?: string;
}) {
  const sendDataLink = useRouteRef(sendDataRouteRef);
  const days = windowLength(props.window);
  return (
    <>
      <EmptyState
        missing="data"
        title={`No DORA data for ${props.subject} yet`}
        description={`No production deployments, changes or incidents arrived for ${
          props.subject
        } ${windowPhrase(
          props.window,
        )} or in the ${days} days before. Send them from your CD pipeline through the ingestion API, or connect GitHub; the figures appear as soon as events arrive.`}
        action={
          sendDataLink ? (
            <LinkButton variant="contained" color="primary" to={sendDataLink()}>
              How to send data
            </LinkButton>
          ) : undefined
        }
      />
      <Box mt={2}>
        <InfoCard title="How to send data">
          <SendDataInstructions service={props.service} />
        </InfoCard>
      </Box>
    </>
  );
}
