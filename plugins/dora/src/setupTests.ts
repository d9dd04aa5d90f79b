import '@testing-library/jest-dom';
import { configure, getConfig } from '@testing-library/react';
import failOnConsole from 'jest-fail-on-console';

/**
 * Third-party warnings our code cannot avoid, each allowed by its exact text
 * (a React warning by its first line; the component stack follows). Every
 * other console.error or console.warn fails the test that caused it.
 */
const UNAVOIDABLE: Array<{ method: 'error' | 'warn'; message: string }> = [
  // React 18.3 deprecates findDOMNode and says so the first time anything
  // calls it. Material UI v4 calls it in every ButtonBase (its focus-visible
  // hook): every button, chip and tab, ours and core-components'. v4 gets no
  // further releases.
  {
    method: 'error',
    message:
      'Warning: findDOMNode is deprecated and will be removed in the next major release. Instead, add a ref directly to the element you want to reference. Learn more about using refs safely here: https://reactjs.org/link/strict-mode-find-node',
  },
  // jsdom 27's CSSOM (@acemir/cssom 0.9.33) assigns an undeclared variable in
  // CSSGroupingRule.insertRule, so inserting any rule into an @media block
  // throws in jsdom (not in browsers). JSS does that for core-components'
  // SidebarPage, which every page rendered in a whole app includes.
  {
    method: 'warn',
    message: 'Warning: [JSS] processedRuleToParse is not defined',
  },
  // @backstage/ui's PluginHeader, the header of every page with tabs: its
  // Tabs start uncontrolled and get a selected key once the routed tabs
  // register (react-stately warns), and its breadcrumbs wrap plain text in
  // react-aria's Focusable (react-aria warns).
  {
    method: 'warn',
    message: 'WARN: A component changed from uncontrolled to controlled.',
  },
  {
    method: 'warn',
    message: '<Focusable> child must have an interactive ARIA role.',
  },
];

// A React warning (a missing key, an update outside act, invalid nesting) is
// a defect the browser console would show: fail the test that caused it.
failOnConsole({
  silenceMessage: (message, methodName) =>
    UNAVOIDABLE.some(
      u => u.method === methodName && message.split('\n')[0] === u.message,
    ),
});

/**
 * user-event 14 dispatches its events and waits through its own copy of
 * @testing-library/dom (10.x); @testing-library/react 14 brings 9.x and wraps
 * only that copy's events and waits in act(). Give user-event's copy the same
 * wrappers, as @testing-library/react would if both shared one copy:
 * otherwise every state update a click causes lands outside act().
 */
const userEventDom: { configure: typeof configure } = require(require.resolve(
  '@testing-library/dom',
  {
    paths: [require.resolve('@testing-library/user-event')],
  },
));
const { asyncWrapper, eventWrapper, unstable_advanceTimersWrapper } =
  getConfig();
userEventDom.configure({
  asyncWrapper,
  eventWrapper,
  unstable_advanceTimersWrapper,
});

// recharts' ResponsiveContainer observes its size; jsdom has no
// ResizeObserver.
if (!('ResizeObserver' in globalThis)) {
  (globalThis as any).ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
}

// jsdom lays nothing out: every element measures 0 × 0, and a chart's
// ResponsiveContainer would warn and draw nothing. Measure it as a browser
// would in its card (the charts are 260 px high).
const measure = HTMLElement.prototype.getBoundingClientRect;
HTMLElement.prototype.getBoundingClientRect = function getBoundingClientRect(
  this: HTMLElement,
) {
  return this.classList.contains('recharts-responsive-container')
    ? new DOMRect(0, 0, 600, 260)
    : measure.call(this);
};
