import '@testing-library/jest-dom';
import failOnConsole from 'jest-fail-on-console';

// A React warning (a missing key, an update outside act, invalid nesting) is
// a defect the browser console would show: fail the test that caused it.
failOnConsole({
  // Except one we cannot fix: Material UI v4's Link (under every Backstage
  // Link and EntityRefLink) calls ReactDOM.findDOMNode, which React 18.3
  // reports once per test file as deprecated. It is not a defect of ours.
  silenceMessage: message =>
    message.startsWith('Warning: findDOMNode is deprecated'),
});
