/*
 * What a person sees, checked from the layout rather than the DOM text: a
 * section that is in the DOM but cut off by its card is not there for them.
 */
import { Page } from 'playwright-core';

/**
 * Boxes in the page's content whose own content is taller than they are
 * and that hide the rest, or tuck it behind a scroll of their own (the
 * overview's sticky info column hides its scroll bar): each as "<tag>
 * '<first text>' shows <visible>px of <content>px". Boxes of a line or two
 * are left out, where an ellipsis is the design.
 */
export async function clippedBoxes(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    for (const element of document.querySelectorAll('main *')) {
      const box = element as HTMLElement;
      const { overflowY } = getComputedStyle(box);
      if (overflowY === 'visible') {
        continue;
      }
      if (box.clientHeight < 48 || box.scrollHeight <= box.clientHeight + 2) {
        continue;
      }
      const text = (box.innerText ?? '').trim().split('\n')[0].slice(0, 40);
      found.push(
        `${box.tagName.toLowerCase()} '${text}' shows ${
          box.clientHeight
        }px of ${box.scrollHeight}px`,
      );
    }
    return found;
  });
}

/** Whether the page is wider than the window (a horizontal scroll bar). */
export async function overflowsHorizontally(page: Page): Promise<boolean> {
  return page.evaluate(
    () =>
      document.documentElement.scrollWidth >
      document.documentElement.clientWidth + 1,
  );
}
