import { Command } from 'commander';
import { registerCreateCommands } from './commands/create';
import { registerTaskCommands } from './commands/tasks';
import { registerTemplateCommands } from './commands/templates';
import { ExitCode, ExitCodeValue } from './exitCodes';
import { CliError, PortalClient } from './portal/PortalClient';

/** What every command gets: the portal, and where to write. */
export interface CliContext {
  portal(): PortalClient;
  out: (line: string) => void;
  err: (line: string) => void;
  /** Set by a command that ends in a non-zero state without throwing. */
  setExitCode(code: ExitCodeValue): void;
}

/** Parses argv and runs the command; resolves with the process exit code. */
export async function run(
  argv: string[],
  io: { out?: (line: string) => void; err?: (line: string) => void } = {},
): Promise<ExitCodeValue> {
  let code: ExitCodeValue = ExitCode.Ok;
  const out = io.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = io.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  const program = new Command('platform')
    .description(
      'Create services and environments from the golden paths, and check templates, against a running Paved Road portal.',
    )
    .option(
      '--url <url>',
      'the portal (default: $PLATFORM_URL or http://localhost:7007)',
    )
    .option(
      '--token <token>',
      'a Backstage token (default: $PLATFORM_TOKEN, or guest sign-in on the embedded default)',
    )
    .configureOutput({
      writeOut: text => out(text.replace(/\n$/, '')),
      writeErr: text => err(text.replace(/\n$/, '')),
    })
    .exitOverride();
  let client: PortalClient | undefined;
  const context: CliContext = {
    portal() {
      const options = program.opts<{ url?: string; token?: string }>();
      client ??= new PortalClient({
        url: options.url ?? process.env.PLATFORM_URL ?? 'http://localhost:7007',
        token: options.token ?? process.env.PLATFORM_TOKEN,
      });
      return client;
    },
    out,
    err,
    setExitCode(next) {
      code = next;
    },
  };
  // Commands register here (src/commands/*).
  registerTemplateCommands(program, context);
  registerCreateCommands(program, context);
  registerTaskCommands(program, context);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    const exit = error as { code?: string };
    if (
      exit.code === 'commander.helpDisplayed' ||
      exit.code === 'commander.version' ||
      exit.code === 'commander.help'
    ) {
      return ExitCode.Ok;
    }
    if (exit.code?.startsWith('commander.')) {
      return ExitCode.BadInput;
    }
    if (error instanceof CliError) {
      err(`platform: ${error.message}`);
      return error.exitCode;
    }
    throw error;
  }
  return code;
}
