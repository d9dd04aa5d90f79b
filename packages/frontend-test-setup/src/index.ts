/*
 * The setup every frontend package's tests share (each src/setupTests.ts
 * imports it): jest-dom's matchers, and a test fails on any console.error or
 * console.warn, since a React warning (a missing key, an update outside
 * act(), invalid nesting) is a defect the browser console would show.
 */
import '@testing-library/jest-dom';
import failOnConsole from 'jest-fail-on-console';

/**
 * Warnings that third-party code prints whatever we do, each matched on its
 * exact text (and, where the text could be ours, on where it comes from).
 */
const THIRD_PARTY_WARNINGS: Array<(message: string) => boolean> = [
  // React 18.3 deprecates findDOMNode; Material UI v4 (ButtonBase, Link,
  // transitions: under every Backstage link and button) still calls it, and
  // v4 gets no further releases. React prints it once per test file.
  message =>
    message.startsWith(
      'Warning: findDOMNode is deprecated and will be removed in the next major release.',
    ) && message.includes('/node_modules/@material-ui/'),
  // jsdom's CSS parser (@acemir/cssom 0.9) assigns an undeclared variable
  // when JSS inserts a rule into an @media rule, as core-components' sidebar
  // Page styles do when a test renders a whole app. Browsers are not affected.
  message => message === 'Warning: [JSS] processedRuleToParse is not defined',
  // @backstage/ui's page header, in tests that render a whole app: its Tabs
  // start uncontrolled until the routed tabs register (react-stately warns),
  // and its breadcrumbs wrap plain text in react-aria's Focusable.
  message =>
    message.startsWith(
      'WARN: A component changed from uncontrolled to controlled.',
    ),
  message =>
    message.startsWith('<Focusable> child must have an interactive ARIA role.'),
];

failOnConsole({
  silenceMessage: message => THIRD_PARTY_WARNINGS.some(known => known(message)),
});
