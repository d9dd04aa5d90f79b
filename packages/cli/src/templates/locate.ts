import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';

/** A template to check: its file and folder, absolute. */
export interface TemplateLocation {
  file: string;
  dir: string;
}

/**
 * The folder holding `templates/`: `from` or the nearest parent that has
 * one (the repository root, wherever in it the command runs).
 */
export function findTemplatesRoot(from: string): string | undefined {
  let dir = path.resolve(from);
  for (;;) {
    const candidate = path.join(dir, 'templates');
    if (fs.existsSync(candidate) && fs.statSync(candidate).isDirectory()) {
      return candidate;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      return undefined;
    }
    dir = parent;
  }
}

/** Every `<templatesRoot>/*\/template.yaml`, by folder name. */
export function templateDirs(templatesRoot: string): string[] {
  return fs
    .readdirSync(templatesRoot, { withFileTypes: true })
    .filter(e => e.isDirectory())
    .map(e => path.join(templatesRoot, e.name))
    .filter(dir => fs.existsSync(path.join(dir, 'template.yaml')))
    .sort();
}

/**
 * A folder (its template.yaml) or a template file, checked to exist and to
 * hold a scaffolder Template; otherwise the reason it cannot be checked.
 */
export function locateTemplate(
  given: string,
  cwd = process.cwd(),
): TemplateLocation | { error: string } {
  const full = path.resolve(cwd, given);
  if (!fs.existsSync(full)) {
    return { error: `${given}: no such file or folder` };
  }
  const file = fs.statSync(full).isDirectory()
    ? path.join(full, 'template.yaml')
    : full;
  if (!fs.existsSync(file)) {
    return { error: `${given}: holds no template.yaml` };
  }
  const text = fs.readFileSync(file, 'utf8');
  // A file whose YAML does not parse still counts when it says it is a
  // Template: the check then reports the YAML errors with their lines.
  const kind = yaml.parseDocument(text).get('kind');
  if (kind !== 'Template' && !/^kind:\s*['"]?Template['"]?\s*$/m.test(text)) {
    return {
      error: `${given}: not a scaffolder template (no kind: Template)`,
    };
  }
  return { file, dir: path.dirname(file) };
}
