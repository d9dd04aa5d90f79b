import { ExitCodeValue } from '../exitCodes';
import { run } from '../program';

/** What the CLI's environment may set; a test runs without them. */
const ENVIRONMENT = ['PLATFORM_URL', 'PLATFORM_TOKEN', 'PLATFORM_APP_URL'];

export interface PlatformResult {
  code: ExitCodeValue;
  /** Every line written to stdout, joined with newlines. */
  out: string;
  /** Every line written to stderr, joined with newlines. */
  err: string;
}

/**
 * `platform --url <url> <args…>`, run in-process as from a shell that sets
 * no PLATFORM_* variable: its exit code and what it wrote.
 */
export async function platform(
  url: string,
  ...args: string[]
): Promise<PlatformResult> {
  const saved = ENVIRONMENT.map(name => [name, process.env[name]] as const);
  ENVIRONMENT.forEach(name => delete process.env[name]);
  const out: string[] = [];
  const err: string[] = [];
  try {
    const code = await run(['node', 'platform', '--url', url, ...args], {
      out: line => out.push(line),
      err: line => err.push(line),
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    for (const [name, value] of saved) {
      if (value !== undefined) {
        process.env[name] = value;
      }
    }
  }
}

/** A command line's options: `--flag value`, or `--flag` alone for `true`. */
export type Flags = Record<string, string | number | true>;

/** The options in order, as `--flag value` (or `--flag=value` when `joined`). */
export function flags(options: Flags, { joined = false } = {}): string[] {
  return Object.entries(options).flatMap(([flag, value]) => {
    if (value === true) {
      return [`--${flag}`];
    }
    return joined ? [`--${flag}=${value}`] : [`--${flag}`, String(value)];
  });
}

/**
 * `create service --name checkout-api --language go`, with `options` replacing
 * those two in place or added after them.
 */
export function createService(
  options: Flags = {},
  spelling: { joined?: boolean } = {},
): string[] {
  return [
    'create',
    'service',
    ...flags({ name: 'checkout-api', language: 'go', ...options }, spelling),
  ];
}

/**
 * `create environment` for pull request 42 of orders-service, with `options`
 * replacing those in place or added after them.
 */
export function createEnvironment(options: Flags = {}): string[] {
  return [
    'create',
    'environment',
    ...flags({
      service: 'orders-service',
      pr: 42,
      branch: 'feature/faster-checkout',
      ...options,
    }),
  ];
}

/** `templates check <args…>`. */
export function templatesCheck(...args: string[]): string[] {
  return ['templates', 'check', ...args];
}

/** `logs <task id> --follow`. */
export function followLogs(taskId: string): string[] {
  return ['logs', taskId, '--follow'];
}
