import nunjucks from 'nunjucks';

/*
 * The scaffolder renders every string of a step (and of the output) as a
 * nunjucks template with `${{ }}` as the variable delimiters. Parsing them
 * the same way finds syntax errors before a run, and the parse tree says
 * which names an expression reads: `parameters.x`, `parameters['x']`,
 * `steps.id.output.key`, in filters, method calls and conditions alike.
 */

/** The scaffolder's delimiters (its SecureTemplater's `tags`). */
const TAGS = { variableStart: '${{', variableEnd: '}}' };

/** `@types/nunjucks` leaves the parser out; it is public all the same. */
interface NunjucksNode {
  typename: string;
  fields: string[];
  [field: string]: unknown;
}
const parser = (
  nunjucks as unknown as {
    parser: { parse(src: string, extensions: [], opts: object): NunjucksNode };
  }
).parser;

/**
 * A name an expression reads: a root (`parameters`, `steps`, `user`…) and
 * the keys looked up under it; `undefined` for a key computed at run time
 * (`parameters[other]`).
 */
export interface Reference {
  root: string;
  path: Array<string | undefined>;
}

export type ParsedText =
  | { ok: true; references: Reference[] }
  | { ok: false; error: string };

/** Whether a string is rendered at all: only `${{ }}` makes it a template. */
export function isTemplated(value: unknown): value is string {
  return typeof value === 'string' && value.includes('${{');
}

function isNode(value: unknown): value is NunjucksNode {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as NunjucksNode).typename === 'string'
  );
}

/** `parameters.a['b'].c` as a root and literal keys; undefined if not rooted in a name. */
function chainOf(node: NunjucksNode): Reference | undefined {
  if (node.typename === 'Symbol') {
    return { root: String(node.value), path: [] };
  }
  if (node.typename === 'LookupVal' && isNode(node.target)) {
    const chain = chainOf(node.target);
    if (!chain) {
      return undefined;
    }
    const key = node.val as NunjucksNode;
    chain.path.push(key.typename === 'Literal' ? String(key.value) : undefined);
    return chain;
  }
  return undefined;
}

/** Every computed key inside a lookup chain (they may read names too). */
function computedKeys(node: NunjucksNode): NunjucksNode[] {
  if (node.typename !== 'LookupVal' || !isNode(node.target)) {
    return [];
  }
  const key = node.val as NunjucksNode;
  return [
    ...computedKeys(node.target),
    ...(key.typename === 'Literal' ? [] : [key]),
  ];
}

function collect(node: NunjucksNode, references: Reference[]) {
  const chain =
    node.typename === 'LookupVal' || node.typename === 'Symbol'
      ? chainOf(node)
      : undefined;
  if (chain) {
    references.push(chain);
    computedKeys(node).forEach(key => collect(key, references));
    return;
  }
  for (const field of node.fields ?? []) {
    const value = node[field];
    // A filter's name and a global function's name are not variables.
    if (
      field === 'name' &&
      (node.typename === 'Filter' || node.typename === 'FilterAsync') &&
      isNode(value)
    ) {
      continue;
    }
    if (
      field === 'name' &&
      node.typename === 'FunCall' &&
      isNode(value) &&
      value.typename === 'Symbol'
    ) {
      continue;
    }
    const children = Array.isArray(value) ? value : [value];
    for (const child of children) {
      if (isNode(child)) {
        collect(child, references);
      }
    }
  }
}

/**
 * Parses one string as the scaffolder would render it; a syntax error comes
 * back as nunjucks words ("unexpected token: }}"), without its path prefix.
 */
export function parseTemplateText(text: string): ParsedText {
  let root: NunjucksNode;
  try {
    root = parser.parse(text, [], { tags: TAGS });
  } catch (error) {
    const message = String((error as Error).message ?? error)
      .split('\n')
      .map(line => line.trim())
      .filter(Boolean)
      .pop()
      // The parser's own function name ("parseAggregate: …") says nothing.
      ?.replace(/^parse\w*: /, '');
    return { ok: false, error: message ?? 'syntax error' };
  }
  const references: Reference[] = [];
  collect(root, references);
  return { ok: true, references };
}

/** `steps['publish-github'].output.remoteUrl` as people write it. */
export function describeReference(reference: Reference): string {
  return [
    reference.root,
    ...reference.path.map(key => {
      if (key === undefined) {
        return '[…]';
      }
      return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `['${key}']`;
    }),
  ].join('');
}
