// jest-dom, and failing on console errors and warnings: see the shared setup.
import '@internal/frontend-test-setup';

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
