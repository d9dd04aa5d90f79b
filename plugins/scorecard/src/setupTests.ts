import '@testing-library/jest-dom';
import { getConfig } from '@testing-library/react';
import failOnConsole from 'jest-fail-on-console';

/**
 * Warnings that third-party code prints whatever we do. Each is matched on
 * its exact text and on where it comes from, so the same text caused by our
 * own code still fails the test.
 */
const THIRD_PARTY_WARNINGS: Array<(message: string) => boolean> = [
  // React 18.3 deprecates findDOMNode; Material UI v4 (ButtonBase's focus
  // ripple, transitions) still calls it. React prints it once per test file,
  // for whichever MUI component mounts first.
  message =>
    message.startsWith(
      'Warning: findDOMNode is deprecated and will be removed in the next major release.',
    ) && message.includes('/node_modules/@material-ui/'),
  // jsdom's CSS parser (@acemir/cssom 0.9) throws a ReferenceError (it
  // assigns an undeclared variable) when JSS inserts a rule into an @media
  // rule, as @backstage/core-components' sidebar Page styles do in the
  // app-level test. Browsers are not affected.
  message => message === 'Warning: [JSS] processedRuleToParse is not defined',
];

// A React warning (a missing key, an update outside act, invalid nesting) is
// a defect the browser console would show: fail the test that caused it.
failOnConsole({
  silenceMessage: message => THIRD_PARTY_WARNINGS.some(known => known(message)),
});

// @testing-library/react 14 (this package's devDependency) wires React's
// act() into its own nested copy of @testing-library/dom 9, while
// @testing-library/user-event 14 dispatches events through the hoisted
// @testing-library/dom 10. Without this every `await user.click()` updates
// state outside act() and React warns. Give user-event's copy the same
// act-aware wrappers, which is what @testing-library/react 16 does by itself
// (it takes @testing-library/dom as a peer). Remove once package.json moves
// to @testing-library/react 16 + @testing-library/dom 10.
const userEventDom = jest.requireActual(
  require.resolve('@testing-library/dom', {
    paths: [require.resolve('@testing-library/user-event')],
  }),
);
const rtlConfig = getConfig() as ReturnType<typeof getConfig> & {
  unstable_advanceTimersWrapper?: unknown;
};
if (userEventDom.getConfig() !== rtlConfig) {
  userEventDom.configure({
    asyncWrapper: rtlConfig.asyncWrapper,
    eventWrapper: rtlConfig.eventWrapper,
    unstable_advanceTimersWrapper: rtlConfig.unstable_advanceTimersWrapper,
  });
}
