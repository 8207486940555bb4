import fs from 'node:fs';
import { ConfigError } from '@extauth/server-kit/errors';
import { type SeedFile, seedFileSchema } from '@extauth/shared/seed';
import { isMap, isNode, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { z } from 'zod';

export interface SeedProblem {
  /** Like `idp.accounts[2].email`; empty for the whole file. */
  path: string;
  /** 1-based line in the file, when the problem can be placed. */
  line: number | undefined;
  message: string;
}

/** A seed file that cannot be used: every problem with its field path and line (exit code 2). */
export class SeedFileError extends ConfigError {
  constructor(
    readonly file: string,
    readonly problems: SeedProblem[],
  ) {
    const lines = problems.map(
      (p) => `  ${p.line === undefined ? '' : `line ${p.line}: `}${p.path ? `${p.path}: ` : ''}${p.message}`,
    );
    super(`Invalid seed file ${file}:\n${lines.join('\n')}`);
    this.name = 'SeedFileError';
  }
}

type PathPart = string | number;

export function formatSeedPath(path: readonly PathPart[]): string {
  return path.reduce<string>(
    (out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${part}` : part),
    '',
  );
}

/** The node at `path`, or the deepest existing ancestor; with `key`, that key of the map there. */
function locate(root: Node | null, path: readonly PathPart[], key?: string): Node | undefined {
  let node: Node | undefined = root ?? undefined;
  for (const part of path) {
    const next = childOf(node, part);
    if (!next) return node;
    node = next;
  }
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
    if (pair && isNode(pair.key)) return pair.key;
  }
  return node;
}

function childOf(node: Node | undefined, part: PathPart): Node | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(part));
    return isNode(pair?.value) ? pair.value : undefined;
  }
  if (isSeq(node) && typeof part === 'number') {
    const item = node.items[part];
    return isNode(item) ? item : undefined;
  }
  return undefined;
}

function zodProblems(issues: z.core.$ZodIssue[], root: Node | null, lineOf: (offset: number) => number) {
  return issues.flatMap((issue): SeedProblem[] => {
    const path = issue.path.filter((p): p is PathPart => typeof p !== 'symbol');
    const at = (node: Node | undefined) => (node?.range ? lineOf(node.range[0]) : undefined);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: formatSeedPath([...path, key]),
        line: at(locate(root, path, key)),
        message: 'is not a known field',
      }));
    }
    return [{ path: formatSeedPath(path), line: at(locate(root, path)), message: issue.message }];
  });
}

/**
 * Parses a seed file's text (YAML 1.2, which JSON is a subset of) and validates it. Throws a
 * SeedFileError listing every problem with its line. `knownEmails` are IdP accounts that exist
 * without the seed (the demo account): a link by email must name one of them or a seeded account.
 */
export function parseSeedText(text: string, file: string, options: { knownEmails?: string[] } = {}): SeedFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number) => lineCounter.linePos(offset).line;
  if (doc.errors.length > 0) {
    throw new SeedFileError(
      file,
      doc.errors.map((e) => ({ path: '', line: lineOf(e.pos[0]), message: e.message.split('\n')[0] ?? e.message })),
    );
  }
  const result = seedFileSchema.safeParse(doc.toJS() ?? {});
  if (!result.success) throw new SeedFileError(file, zodProblems(result.error.issues, doc.contents, lineOf));
  const seed = result.data;
  if (options.knownEmails) {
    const emails = new Set([...options.knownEmails, ...seed.idp.accounts.map((a) => a.email)].map(lower));
    const problems = seed.panel.links.flatMap((link, i) => {
      if (link.email === undefined || emails.has(lower(link.email))) return [];
      const path = ['panel', 'links', i, 'email'];
      const node = locate(doc.contents, path);
      return [
        {
          path: formatSeedPath(path),
          line: node?.range ? lineOf(node.range[0]) : undefined,
          message: `no IdP account "${link.email}" in idp.accounts (nor the demo account)`,
        },
      ];
    });
    if (problems.length > 0) throw new SeedFileError(file, problems);
  }
  return seed;
}

const lower = (email: string) => email.trim().toLowerCase();

export function loadSeedFile(file: string, options: { knownEmails?: string[] } = {}): SeedFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new SeedFileError(file, [
      { path: '', line: undefined, message: `cannot be read (${(err as Error).message})` },
    ]);
  }
  return parseSeedText(text, file, options);
}
