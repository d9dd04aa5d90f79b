import { Content, InfoCard } from '@backstage/core-components';
import { SendDataInstructions } from '../SendDataInstructions';

/** The "Sending data" tab of the DORA page. */
export function SendDataPage() {
  return (
    <Content>
      <InfoCard title="How to send DORA data">
        <SendDataInstructions />
      </InfoCard>
    </Content>
  );
}
