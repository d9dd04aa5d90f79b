/*
 * What a person sees, checked from the layout rather than the DOM text: a
 * section that is in the DOM but cut off by its card is not there for them.
 */
import {
  ConsoleMessage,
  Locator,
  Page,
  Request,
  Response,
} from 'playwright-core';

/**
 * Why a person does not see the element although Playwright calls it
 * visible (which ignores opacity): the first box up the tree, across shadow
 * roots, that is transparent or hidden, as "<tag> has opacity 0", still so
 * after `timeout` ms; undefined once nothing hides it. TechDocs' reader
 * keeps a page at opacity 0 until its stylesheets have loaded, and for ever
 * if it misses their load.
 */
export async function hiddenBy(
  target: Locator,
  timeout = 10_000,
): Promise<string | undefined> {
  // A fade-in is not hiding: what stays transparent past `timeout` is.
  const deadline = Date.now() + timeout;
  for (;;) {
    const reason = await hiddenByNow(target);
    if (reason === undefined || Date.now() > deadline) {
      return reason;
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

async function hiddenByNow(target: Locator): Promise<string | undefined> {
  return target.evaluate(element => {
    for (let box: Element | null = element; box; ) {
      const style = getComputedStyle(box);
      const name = box.tagName.toLowerCase();
      if (Number(style.opacity) === 0) {
        return `${name} has opacity 0`;
      }
      if (style.visibility !== 'visible') {
        return `${name} has visibility ${style.visibility}`;
      }
      box =
        box.parentElement ??
        ((box.getRootNode() as ShadowRoot | Document) instanceof ShadowRoot
          ? (box.getRootNode() as ShadowRoot).host
          : null);
    }
    return undefined;
  });
}

/**
 * Boxes in the page's content whose own content is taller than they are
 * and that hide the rest, or tuck it behind a scroll of their own (the
 * overview's sticky info column hides its scroll bar), or that cut off
 * their content at the right: each as "<tag> '<first text>' shows
 * <visible>px of <content>px". Boxes of a line or two are left out of the
 * first, where an ellipsis is the design.
 */
export async function clippedBoxes(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    // The page's content: <main>, or on pages without one, all but the
    // sidebar.
    const root = document.querySelector('main') ?? document.body;
    for (const element of root.querySelectorAll('*')) {
      const box = element as HTMLElement;
      if (box.closest('nav')) {
        continue;
      }
      const style = getComputedStyle(box);
      // Not on the screen (a closed drawer, text only screen readers get,
      // in a 1px box), or clamped to a few lines with an ellipsis by design
      // (search results): nothing hides by accident.
      if (
        box.clientWidth <= 1 ||
        (style.overflowY === 'visible' && style.overflowX === 'visible') ||
        style.webkitLineClamp !== 'none' ||
        !box.checkVisibility({ visibilityProperty: true }) ||
        box.getBoundingClientRect().right <= 0
      ) {
        continue;
      }
      const text = (box.innerText ?? '').trim().split('\n')[0].slice(0, 40);
      const name = `${box.tagName.toLowerCase()} '${text}'`;
      if (box.clientHeight >= 48 && box.scrollHeight > box.clientHeight + 2) {
        found.push(
          `${name} shows ${box.clientHeight}px of ${box.scrollHeight}px`,
        );
      }
      // Cut off at the right: hidden, not scrolled, and without the
      // ellipsis that marks a deliberately shortened line (an ellipsis only
      // shows where the box holds the text itself, not blocks of it).
      const ellipsis =
        style.textOverflow === 'ellipsis' &&
        [...box.children].every(child =>
          getComputedStyle(child).display.startsWith('inline'),
        );
      if (
        (style.overflowX === 'hidden' || style.overflowX === 'clip') &&
        !ellipsis &&
        text !== '' &&
        box.scrollWidth > box.clientWidth + 2
      ) {
        found.push(
          `${name} shows ${box.clientWidth}px of ${box.scrollWidth}px across`,
        );
      }
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

/**
 * Words the layout breaks in the middle ("Sco / re", "10 / 0 %"): a column
 * squeezed narrower than its content. Each as "'<word>' in <tag>". A line
 * may end after a hyphen, and tokens longer than a column may be (an e-mail
 * address, a URL) may wrap anywhere.
 */
export async function brokenWords(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const walker = document.createTreeWalker(
      document.querySelector('main') ?? document.body,
      NodeFilter.SHOW_TEXT,
      {
        acceptNode: node =>
          node.parentElement?.closest('nav')
            ? NodeFilter.FILTER_REJECT
            : NodeFilter.FILTER_ACCEPT,
      },
    );
    const range = document.createRange();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? '';
      // Text that asks to break anywhere (upstream's search results do, for
      // code and paths in docs) breaks by design.
      if (getComputedStyle(node.parentElement!).wordBreak === 'break-all') {
        continue;
      }
      // Each part of a word between hyphens: a line may end after a hyphen.
      for (const match of text.matchAll(/[^\s-]{2,}/g)) {
        const token =
          text.slice(0, match.index).match(/\S*$/)![0] +
          text.slice(match.index).match(/^\S*/)![0];
        if (token.length > 24) {
          continue;
        }
        range.setStart(node, match.index!);
        range.setEnd(node, match.index! + match[0].length);
        // One line box per line the part spans; hidden text has none.
        const lines = new Set(
          [...range.getClientRects()]
            .filter(rect => rect.width > 0)
            .map(rect => Math.round(rect.top)),
        );
        if (lines.size > 1) {
          found.push(
            `'${match[0]}' in ${node.parentElement?.tagName.toLowerCase()}`,
          );
        }
      }
    }
    return found;
  });
}

/**
 * What went wrong while a page was open: console errors and warnings, errors
 * thrown in the page, and requests to the portal that failed or answered an
 * error status. Requests a navigation cancels are not failures.
 */
export function watchProblems(
  page: Page,
  options: { origin: string; ignoreConsole?: RegExp[] },
) {
  const problems: string[] = [];
  const onConsole = (message: ConsoleMessage) => {
    const type = message.type();
    if (type !== 'error' && type !== 'warning') {
      return;
    }
    const text = message.text();
    // The browser's own line for a failed response is reported below with
    // its URL.
    if (text.startsWith('Failed to load resource')) {
      return;
    }
    if (options.ignoreConsole?.some(pattern => pattern.test(text))) {
      return;
    }
    problems.push(`console.${type}: ${text.slice(0, 500)}`);
  };
  const onPageError = (error: Error) =>
    problems.push(`uncaught: ${error.message}`);
  const onResponse = (response: Response) => {
    if (response.url().startsWith(options.origin) && response.status() >= 400) {
      problems.push(
        `${response
          .request()
          .method()} ${response.url()} answered ${response.status()}`,
      );
    }
  };
  const onRequestFailed = (request: Request) => {
    const reason = request.failure()?.errorText ?? '';
    if (reason !== 'net::ERR_ABORTED') {
      problems.push(`${request.method()} ${request.url()} failed: ${reason}`);
    }
  };
  page.on('console', onConsole);
  page.on('pageerror', onPageError);
  page.on('response', onResponse);
  page.on('requestfailed', onRequestFailed);
  return {
    problems,
    stop() {
      page.off('console', onConsole);
      page.off('pageerror', onPageError);
      page.off('response', onResponse);
      page.off('requestfailed', onRequestFailed);
    },
  };
}

/** Waits until no progress bar or spinner is left in the page's content. */
export async function waitUntilLoaded(page: Page, timeout = 30_000) {
  await page.waitForFunction(
    () =>
      [...document.querySelectorAll('[role="progressbar"]')].every(bar =>
        bar.closest('nav'),
      ),
    undefined,
    { timeout },
  );
}
