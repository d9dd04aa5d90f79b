import { OnCallResult } from '../../loadOnCall';
import { RelatedService } from '../../onCallSummary';
import { LevelOneOnCall, Section } from '../common';
import { RelatedList } from './RelatedList';

/**
 * What the component depends on, each with its owner and, for components,
 * who is on call for it now: whom to call when the fault is downstream.
 */
export function DependenciesSection(props: {
  items: RelatedService[];
  /** The on-call of the dependencies that are components, by ref. */
  onCall: Map<string, OnCallResult>;
}) {
  return (
    <Section title="Depends on">
      <RelatedList
        items={props.items}
        none="Nothing declared."
        extra={item => {
          const result = props.onCall.get(item.ref);
          return (
            result && (
              <LevelOneOnCall
                result={result}
                expected={false}
                label="on call: "
              />
            )
          );
        }}
      />
    </Section>
  );
}
