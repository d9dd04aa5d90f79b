import {
  LoggerService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { createHash } from 'crypto';
import fs from 'fs/promises';
import path from 'path';
import { ChecksSet, parseChecksFile } from './parseChecksFile';

/** A checks set with a hash of the text it came from. */
export type LoadedChecks = ChecksSet & { hash: string; loadedAt: Date };

/** The default checks file shipped with the plugin. */
export const DEFAULT_CHECKS_FILE = resolvePackagePath(
  '@internal/plugin-scorecard-backend',
  'checks/default.yaml',
);

/**
 * Reads the checks file named by `scorecard.checks.file` (relative paths
 * resolve against the backend's working directory). A malformed file is
 * refused at startup; on reload the last valid set keeps serving and the
 * error is logged and kept for the API.
 */
export class CheckLoader {
  private current: LoadedChecks;
  private error?: { message: string; at: Date };

  static async create(options: {
    config: Config;
    logger: LoggerService;
  }): Promise<CheckLoader> {
    const configured = options.config.getOptionalString(
      'scorecard.checks.file',
    );
    const file = configured ? path.resolve(configured) : DEFAULT_CHECKS_FILE;
    const first = await CheckLoader.read(file);
    options.logger.info(
      `Loaded ${first.checks.length} scorecard checks and ${first.levels.length} levels from ${file}`,
    );
    return new CheckLoader(file, first, options.logger);
  }

  private static async read(file: string): Promise<LoadedChecks> {
    const text = await fs.readFile(file, 'utf8');
    const set = parseChecksFile(text, file);
    return {
      ...set,
      hash: createHash('sha256').update(text).digest('hex'),
      loadedAt: new Date(),
    };
  }

  private constructor(
    readonly file: string,
    initial: LoadedChecks,
    private readonly logger: LoggerService,
  ) {
    this.current = initial;
  }

  /** The last valid checks set. */
  getChecks(): LoadedChecks {
    return this.current;
  }

  /** The error of the last reload, if it failed. */
  getLastError(): { message: string; at: Date } | undefined {
    return this.error;
  }

  /**
   * Re-reads the file. Returns true when a new valid set was installed; on a
   * bad file keeps the previous set, logs and records the error.
   */
  async reload(): Promise<boolean> {
    try {
      const text = await fs.readFile(this.file, 'utf8');
      const hash = createHash('sha256').update(text).digest('hex');
      if (hash === this.current.hash) {
        this.error = undefined;
        return false;
      }
      const set = parseChecksFile(text, this.file);
      this.current = { ...set, hash, loadedAt: new Date() };
      this.error = undefined;
      this.logger.info(
        `Reloaded ${set.checks.length} scorecard checks from ${this.file}`,
      );
      return true;
    } catch (error) {
      const message = (error as Error).message;
      if (this.error?.message !== message) {
        this.logger.error(
          `Refused the scorecard checks file; still serving the last valid set (${
            this.current.checks.length
          } checks loaded at ${this.current.loadedAt.toISOString()}). ${message}`,
        );
      }
      this.error = { message, at: new Date() };
      return false;
    }
  }
}
