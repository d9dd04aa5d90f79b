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
