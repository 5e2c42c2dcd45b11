/**
 * Rewrites the harness's generated sections of docs/benchmarks.md, between `<!-- bench:NAME:begin -->` and
 * `<!-- bench:NAME:end -->` markers, leaving every other line of the page (the Codec section, the method
 * text) as it is. Missing markers are inserted after the page's title.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScenarioOutcome } from '../lib/runner.js';
import { REPO_ROOT } from '../lib/bundle.js';
import { resultsMarkdown, sweepMarkdown } from './markdown.js';
import type { RunInfo } from './run-info.js';

export const DOCS_PATH = join(REPO_ROOT, 'docs', 'benchmarks.md');

export type Region = 'results' | 'sweep';

export function replaceRegion(page: string, region: Region, body: string): string {
  const begin = `<!-- bench:${region}:begin -->`;
  const end = `<!-- bench:${region}:end -->`;
  const block = `${begin}\n${body.trim()}\n${end}`;
  const from = page.indexOf(begin);
  const to = page.indexOf(end);
  if (from !== -1 && to > from) return page.slice(0, from) + block + page.slice(to + end.length);
  // After the harness's last region if there is one, else after the page's title.
  const lastEnd = page.lastIndexOf(
    ':end -->',
    page.indexOf('## Codec') === -1 ? undefined : page.indexOf('## Codec'),
  );
  if (lastEnd !== -1 && page.lastIndexOf('<!-- bench:', lastEnd) !== -1) {
    const at = lastEnd + ':end -->'.length;
    return `${page.slice(0, at)}\n\n${block}${page.slice(at)}`;
  }
  const lines = page.split('\n');
  const title = lines.findIndex((l) => l.startsWith('# '));
  lines.splice(title + 1, 0, '', block);
  return lines.join('\n');
}

export function writeDocs(
  info: RunInfo,
  outcomes: readonly ScenarioOutcome[],
  region: Region,
  path = DOCS_PATH,
): string {
  const page = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const body = region === 'results' ? resultsMarkdown(info, outcomes) : sweepMarkdown(info, outcomes);
  writeFileSync(path, replaceRegion(page, region, body));
  return path;
}
