import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { ReactNode } from 'react';
import type { AsyncState } from 'react-use/esm/useAsyncFn';

/**
 * A widget's content for the state of its request (react-use's useAsync):
 * progress, the error, or the value.
 */
export function Loaded<T>(props: {
  state: AsyncState<T>;
  children: (value: T) => ReactNode;
}) {
  const { state } = props;
  if (state.loading) {
    return <Progress />;
  }
  if (state.error) {
    return <ResponseErrorPanel error={state.error} />;
  }
  return <>{props.children(state.value as T)}</>;
}
