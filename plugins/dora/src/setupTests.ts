import '@testing-library/jest-dom';

// recharts' ResponsiveContainer observes its size; jsdom has no
// ResizeObserver (and no layout), so charts render empty in tests.
if (!('ResizeObserver' in globalThis)) {
  (globalThis as any).ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
}
