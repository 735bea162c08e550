/**
 * `simulate --html`: one self-contained file. The page bundle and its stylesheet go inline,
 * the data rides along as inert JSON, and a CSP that admits only those two (by hash) and
 * no connection at all keeps the file from reaching the network, or running anything else.
 */
import { createHash } from 'node:crypto';
import type { EngineResult } from './engine.js';
import type { ReportSummary } from './report.js';
import { writeFileAtomic } from '../store/write.js';
import { loadPageAssets, type PageAssets } from '../page-assets.js';
import { StormBuilder } from './storm-picture.js';
import { STORM_DATA_ID, type StormData } from './storm-types.js';

/** Writes the picture of a run the engine just made, from its attempt log, one event at a time. */
export async function writeStormHtml(file: string, report: ReportSummary, result: EngineResult): Promise<void> {
  const builder = new StormBuilder(report);
  const indexes = Uint32Array.from(result.order).sort();
  for (const index of indexes) builder.add(result.outcome(index));
  await writeFileAtomic(file, await stormHtml(builder.finish()));
}

export async function stormHtml(data: StormData, assets?: PageAssets): Promise<string> {
  const { script, style } = assets ?? (await loadPageAssets());
  // Inside <script>, only "</script" (any case) could end the element early.
  const inlineScript = script.replace(/<\/(script)/gi, '<\\/$1');
  const json = JSON.stringify(data).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
  const csp = [`default-src 'none'`, `script-src '${sha256(inlineScript)}'`, `style-src '${sha256(style)}'`, `img-src data:`, `base-uri 'none'`, `form-action 'none'`].join('; ');
  const s = data.summary;
  const title = `${s.verdict.ok ? 'PASS' : 'FAIL'}${s.interrupted ? ' (interrupted)' : ''} · simulate · ${s.target}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body>
<noscript>This report draws itself with JavaScript; open it in a browser with scripts on.</noscript>
<script type="application/json" id="${STORM_DATA_ID}">${json}</script>
<script>${inlineScript}</script>
</body>
</html>
`;
}

function sha256(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
