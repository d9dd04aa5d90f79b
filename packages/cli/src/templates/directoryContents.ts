import fs from 'node:fs';
import path from 'node:path';
import { DryRunFile } from '../portal/scaffolder';

/** Folders never sent: they are not part of a template. */
const SKIPPED = new Set(['node_modules', '.git']);

/**
 * Every file of a template's folder, as the dry run takes them
 * (`directoryContents`): paths relative to the folder, with `/`.
 */
export function directoryContents(dir: string, base = dir): DryRunFile[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter(entry => !SKIPPED.has(entry.name))
    .flatMap(entry => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        return directoryContents(full, base);
      }
      if (!entry.isFile()) {
        return [];
      }
      return [
        {
          path: path.relative(base, full).split(path.sep).join('/'),
          base64Content: fs.readFileSync(full).toString('base64'),
        },
      ];
    });
}
