/**
 * The library states facts; the commands' ui (src/commands/ui) chooses the words that name mqt's
 * commands and flags. This reads every string and template literal of src/lib and fails on one
 * that names a flag (` -p`, `--force`) or a command (`mqt gen-ca`), so the advice cannot drift
 * back down.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { COMMANDS } from '../../src/command-list.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const LIB = join(ROOT, 'src', 'lib');

const COMMAND = new RegExp(`\\bmqt (?:${Object.keys(COMMANDS).join('|')})\\b`);
/** A flag as a user types it: a dash and a letter (or two dashes and a word) standing alone. */
const FLAG = /(?:^|[\s([])(?:-[A-Za-z]|--[a-z][a-z-]*)(?=$|[\s,.;:)\]])/;

/**
 * Texts that look like CLI words but are facts: which mosquitto.conf directives the broker, called
 * by its name, does not support. Each with its file, so an allowed text cannot spread.
 */
const BROKER_LACKS = /\bmqt serve (?:does not|has no)\b|\bby mqt serve\b/;
const ALLOWED: readonly { file: string; text: RegExp }[] = [
  { file: 'src/lib/broker/config/directives.ts', text: BROKER_LACKS },
  { file: 'src/lib/broker/config/tls-directives.ts', text: BROKER_LACKS },
  { file: 'src/lib/broker/config/unsupported.ts', text: BROKER_LACKS },
  { file: 'src/lib/broker/config/serve-config.ts', text: BROKER_LACKS },
  // The separator before the version in a bundle cache's file name, not a flag.
  { file: 'src/lib/runtime/load-bundle.ts', text: /^-v$/ },
  // A V8 flag the broker sets on itself to collect huge buffers, not one of mqt's.
  { file: 'src/lib/broker/huge-garbage.ts', text: /^--expose-gc$/ },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * The text of each string and template literal, with its line. A template's substitutions read as
 * `x`, so `-v${n}` stays one word and `-p ${port}` stays a flag.
 */
export function literalsOf(name: string, text: string): { line: number; text: string }[] {
  const source = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true);
  const found: { line: number; text: string }[] = [];
  const visit = (node: ts.Node): void => {
    let literal: string | undefined;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) literal = node.text;
    else if (ts.isTemplateExpression(node)) literal = [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join('x');
    if (literal !== undefined && !ts.isImportDeclaration(node.parent) && !ts.isExportDeclaration(node.parent)) {
      found.push({ line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, text: literal });
    }
    if (!ts.isTemplateExpression(node)) ts.forEachChild(node, visit);
    else for (const span of node.templateSpans) ts.forEachChild(span, visit);
  };
  visit(source);
  return found;
}

/** What in `text` names a command or a flag, if anything. */
export function cliWords(text: string): string | undefined {
  return COMMAND.exec(text)?.[0] ?? FLAG.exec(text)?.[0]?.trim();
}

describe('library texts', () => {
  it('cliWords finds commands and flags, and not dashes in prose or PEM lines', () => {
    assert.equal(cliWords('run mqt gen-ca again'), 'mqt gen-ca');
    assert.equal(cliWords('choose another port with -p'), '-p');
    assert.equal(cliWords('use --force to replace it'), '--force');
    assert.equal(cliWords('(-p 1883)'), '(-p');
    assert.equal(cliWords('no "-----BEGIN CERTIFICATE-----" line'), undefined);
    assert.equal(cliWords('mqt reads PEM; a-b - c, 2024-01-01, -1'), undefined);
  });

  it('name no command and no flag of mqt outside the allow-list', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(LIB)) {
      const name = relative(ROOT, file);
      for (const { line, text } of literalsOf(name, readFileSync(file, 'utf8'))) {
        const words = cliWords(text);
        if (words === undefined || ALLOWED.some((a) => a.file === name && a.text.test(text))) continue;
        offenders.push(`${name}:${line}: "${words}" in ${JSON.stringify(text)}`);
      }
    }
    assert.deepEqual(offenders, [], `library texts that name mqt's flags or commands (word them in src/commands/ui):\n${offenders.join('\n')}`);
  });
});
