import '@testing-library/jest-dom';
import failOnConsole from 'jest-fail-on-console';

// A React warning (a missing key, an update outside act, invalid nesting) is
// a defect the browser console would show: fail the test that caused it.
failOnConsole();

// recharts' ResponsiveContainer observes its size; jsdom has no
// ResizeObserver (and no layout), so charts render empty in tests.
if (!('ResizeObserver' in globalThis)) {
  (globalThis as any).ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
}
