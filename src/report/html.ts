// HTML reporter: one self-contained page (inline CSS, no scripts, no fonts or images fetched)
// with the environment header, the findings, the unknown failures no pattern knows (ranked, with
// a trimmed trace each, known noise apart) and each job's checkpoint timeline drawn as inline
// SVG (failed checkpoints as red crosses, restarts as dashed lines). The timeline model comes
// from timeline.ts, the header from common.ts; redaction has already happened upstream.

import type { CheckpointRecord, Diagnosis, Finding } from '../model.js';
import { VERSION } from '../version.js';
import { countLine, formatBytes, formatDuration, isoMs, noFindingLine, orderedFindings, shortPaths } from './common.js';
import { environmentRows } from './environment.js';
import { causeText, elide, textBlocks, trimLine } from './prose.js';
import { benignLabel, unknownCountLine, unknownHeading, unknownTitle, unknownView, unknownWhere } from './unknown-section.js';
import { causeNotFoundText, chainLines } from './chain.js';
import { buildTimelines, describeRow, FAILED_STATES, jobTitle, timelineSummary, type JobTimeline } from './timeline.js';

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
const h = escapeHtml;

const CSS = `
:root { --fg:#1d2330; --muted:#5d6677; --line:#d9dee7; --bg:#ffffff; --panel:#f6f8fb; --ok:#1e8e3e; --bad:#d93025; --warn:#e37400; --info:#1a73e8; --restart:#8e24aa; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif; color:var(--fg); background:var(--bg); }
main { max-width:1100px; margin:0 auto; padding:24px 28px 64px; }
h1 { font-size:22px; margin:0 0 12px; } h2 { font-size:18px; margin:32px 0 10px; border-bottom:1px solid var(--line); padding-bottom:4px; }
h3 { font-size:16px; margin:28px 0 6px; } .finding h3 { margin-top:0; } h4 { font-size:13px; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); margin:14px 0 4px; }
table { border-collapse:collapse; width:100%; } th, td { text-align:left; vertical-align:top; padding:4px 8px; border-bottom:1px solid var(--line); overflow-wrap:anywhere; }
.scroll { overflow-x:auto; } td.code { font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace; font-size:12.5px; overflow-wrap:anywhere; }
pre.config { border-left:4px solid var(--ok); } a.finding-link { color:var(--bad); font-weight:600; }
li, a { overflow-wrap:anywhere; }
@media (max-width: 600px) { main { padding:12px 10px 40px; } table.env th { width:auto; white-space:normal; } .finding { padding:10px 10px; } table.summary td.mono { white-space:normal; } }
th { font-weight:600; color:var(--muted); white-space:nowrap; }
table.env th { width:170px; }
code, pre, .mono { font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace; font-size:12.5px; }
pre { background:var(--panel); border:1px solid var(--line); border-radius:6px; padding:10px 12px; overflow-x:auto; white-space:pre-wrap; word-break:break-word; margin:4px 0; }
.finding { border:1px solid var(--line); border-left:6px solid var(--info); border-radius:8px; padding:14px 18px; margin:16px 0; background:#fff; }
.finding.critical { border-left-color:var(--bad); } .finding.error { border-left-color:#c5221f; } .finding.warning { border-left-color:var(--warn); }
.sev { display:inline-block; font-size:11px; font-weight:700; letter-spacing:.05em; padding:1px 7px; border-radius:10px; color:#fff; background:var(--info); vertical-align:2px; margin-right:6px; }
.sev.critical { background:var(--bad); } .sev.error { background:#c5221f; } .sev.warning { background:var(--warn); }
.muted { color:var(--muted); } .id { color:var(--muted); font-size:12px; }
ul { margin:4px 0; padding-left:20px; }
.ev { margin:6px 0; } .ev .where { font-size:12px; color:var(--muted); }
details > summary { cursor:pointer; color:var(--info); margin:6px 0; }
.chart { border:1px solid var(--line); border-radius:8px; background:#fff; padding:8px; margin:8px 0; overflow-x:auto; }
.legend { font-size:12px; color:var(--muted); display:flex; flex-wrap:wrap; gap:14px; margin:4px 0 10px; }
.legend span::before { content:""; display:inline-block; width:10px; height:10px; margin-right:5px; border-radius:2px; vertical-align:-1px; background:var(--c); }
td.mono, td.nw { white-space:nowrap; } tr.failed td { color:var(--bad); } tr.restart td { color:var(--restart); } tr.gap td { color:var(--muted); font-style:italic; }
.warnings li { color:#8a4b00; }
.unknown { border:1px solid var(--line); border-left:6px solid var(--muted); border-radius:8px; padding:10px 16px; margin:12px 0; }
.unknown h3 { margin:0 0 4px; font-size:15px; } .noise li { color:var(--muted); }
footer { margin-top:40px; font-size:12px; color:var(--muted); }
`;

/** Renders the HTML report. */
export function renderHtml(d: Diagnosis, opts: { unknown?: number } = {}): string {
  const findings = orderedFindings(d.findings);
  const out: string[] = [];
  out.push('<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8">', '<meta name="viewport" content="width=device-width, initial-scale=1">');
  out.push(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
  out.push(`<title>flink-doctor report${findings[0] ? ' — ' + h(findings[0].title) : ''}</title>`, `<style>${CSS}</style>`, '</head>', '<body>', '<main>');
  out.push('<h1>flink-doctor report</h1>');
  if (d.interrupted) out.push('<p class="warnings"><strong>Scan interrupted:</strong> the report covers only what was read before the stop.</p>');
  out.push('<table class="env">');
  for (const [k, v] of environmentRows(d)) out.push(`<tr><th>${h(k)}</th><td>${v.split('\n').map(h).join('<br>')}</td></tr>`);
  out.push('</table>');

  out.push('<h2 id="findings">Findings</h2>');
  if (findings.length === 0) out.push(`<p>${h(noFindingLine(d))}</p>`);
  else {
    out.push('<div class="scroll"><table class="summary"><tr><th>#</th><th>Severity</th><th>Finding</th><th>Occurrences</th><th>First seen</th></tr>');
    findings.forEach((f, i) => out.push(`<tr><td>${i + 1}</td><td><span class="sev ${f.severity}">${f.severity.toUpperCase()}</span></td><td><a href="#f${i + 1}">${h(f.title)}</a> <span class="id">${h(f.id)}</span></td><td>${f.occurrences}</td><td class="mono">${h(f.firstSeen ?? '—')}</td></tr>`));
    out.push('</table></div>');
    findings.forEach((f, i) => out.push(finding(f, i + 1)));
  }
  out.push(...unknownHtml(d, opts.unknown));

  out.push('<h2 id="timeline">Checkpoint timeline</h2>');
  const timelines = buildTimelines(d);
  if (timelines.length === 0) out.push('<p class="muted">No checkpoint or job state change found (they come from the JobManager log).</p>');
  const owner = checkpointOwner(findings);
  for (const t of timelines) out.push(timelineSection(t, owner));

  const unchecked = [...new Set(findings.flatMap((f) => f.unchecked.map((u) => `[${f.id}] ${u}`)))];
  if (unchecked.length) out.push('<h2 id="unchecked">Not checked</h2>', '<ul>', ...unchecked.map((u) => `<li>${h(u)}</li>`), '</ul>');
  if (d.muted.length) {
    out.push('<h2 id="muted">Muted findings</h2>', '<ul>');
    for (const f of d.muted) out.push(`<li><span class="sev ${f.severity}">${f.severity.toUpperCase()}</span>${h(f.title)} <span class="id">${h(f.id)}</span> — ${f.occurrences} occurrence${f.occurrences === 1 ? '' : 's'}<br><span class="muted">${h(f.summary)}</span></li>`);
    out.push('</ul>');
  }
  if (d.warnings.length) {
    out.push('<h2 id="warnings">Warnings</h2>', '<ul class="warnings">');
    for (const w of d.warnings) out.push(`<li><code>${h(w.source)}</code>: ${h(w.message)}</li>`);
    out.push('</ul>');
  }
  out.push(`<footer>flink-doctor ${h(VERSION)} · ${d.stats.lines.toLocaleString('en')} lines, ${formatBytes(d.stats.bytes)} scanned</footer>`);
  out.push('</main>', '</body>', '</html>', '');
  return out.join('\n');
}

/** A pattern text as HTML: paragraphs, ordered or bullet lists, and commands or configuration in <pre>. */
function htmlBlocks(text: string): string[] {
  const o: string[] = [];
  let list: string | null = null;
  const close = (): void => {
    if (list) o.push(list === 'ol' ? '</ol>' : '</ul>');
    list = null;
  };
  for (const b of textBlocks(text)) {
    if (b.kind === 'item') {
      const want = /^\d/.test(b.marker!) ? 'ol' : 'ul';
      if (list && list !== want) close();
      if (!list) o.push(`<${(list = want)}>`);
      o.push(`<li>${h(b.text)}</li>`);
      continue;
    }
    if (!b.inItem) close();
    const body = b.kind === 'code' ? `<pre${b.yaml ? ' class="config"' : ''}>${h(b.text)}</pre>` : `<p>${h(b.text)}</p>`;
    // Inside a list the block continues its item.
    if (list && b.inItem && o[o.length - 1]!.endsWith('</li>')) o[o.length - 1] = o[o.length - 1]!.replace(/<\/li>$/, `${body}</li>`);
    else o.push(body);
  }
  close();
  return o;
}

function finding(f: Finding, n: number): string {
  const o: string[] = [`<section class="finding ${f.severity}" id="f${n}">`];
  o.push(`<h3><span class="sev ${f.severity}">${f.severity.toUpperCase()}</span>${n}. ${h(f.title)} <span class="id">${h(f.id)}</span></h3>`);
  o.push(`<p>${h(f.summary)}</p>`, `<p class="muted">${h(countLine(f))}</p>`);
  o.push('<h4>Fix</h4>', ...htmlBlocks(f.remediation));
  if (f.impact.length) o.push('<h4>Impact</h4>', '<ul>', ...f.impact.map((i) => `<li>${h(i)}</li>`), '</ul>');
  if (f.evidence.length) {
    o.push('<h4>Evidence</h4>');
    const ev = (e: Finding['evidence'][number]): string => `<div class="ev"><div class="where mono">${h(e.source)}:${e.line} (${h(e.role)})${e.time ? ' · ' + h(e.time) : ''}</div><pre>${h(elide(e.text.trim(), 400))}</pre></div>`;
    o.push(...f.evidence.slice(0, 3).map(ev));
    if (f.evidence.length > 3) o.push(`<details><summary>${f.evidence.length - 3} more evidence line${f.evidence.length === 4 ? '' : 's'}</summary>`, ...f.evidence.slice(3).map(ev), '</details>');
  }
  if (f.config.length) {
    const paths = shortPaths(f.config.map((c) => c.source));
    o.push(`<h4>Configuration in effect</h4>${paths.prefix ? `<p class="muted">Files under <code>${h(paths.prefix)}</code></p>` : ''}`, '<table class="cfg"><tr><th>Key</th><th>Value</th><th>Where</th></tr>');
    for (const c of f.config) o.push(`<tr><td class="code">${h(c.key)}</td><td class="code">${h(c.value)}</td><td class="code muted" title="${h(c.source)}:${c.line}">${h(paths.short(c.source))}:${c.line}</td></tr>`);
    o.push('</table>');
  }
  const chain = chainLines(f);
  if (chain.length) {
    o.push('<h4>What it led to</h4>', '<ul class="chain">');
    for (const q of chain) o.push(`<li style="margin-left:${q.depth * 18}px">${q.depth ? '└ ' : ''}${h(q.title)} (${q.count}×)${q.via ? ` <span class="muted">[${h(q.via)}]</span>` : ''}${q.where ? ` <span class="mono muted">${h(q.where)}</span>` : ''}</li>`);
    o.push('</ul>');
  }
  const missing = causeNotFoundText(f);
  if (missing) o.push('<h4>Cause not in these logs</h4>', `<p>${h(missing)}</p>`);
  const why = causeText(f);
  if (why.trim()) o.push('<h4>Why this happens</h4>', ...htmlBlocks(why));
  o.push('<h4>Verify</h4>', ...htmlBlocks(f.verify));
  if (f.unchecked.length) o.push('<h4>Not checked</h4>', '<ul>', ...f.unchecked.map((u) => `<li>${h(u)}</li>`), '</ul>');
  if (f.references.length) o.push('<h4>References</h4>', '<ul>', ...f.references.map((r) => `<li><a href="${h(r)}" rel="noreferrer">${h(r)}</a></li>`), '</ul>');
  o.push('</section>');
  return o.join('\n');
}

/** The finding (its anchor and title) that a failed checkpoint of a job belongs to, if any. */
type CheckpointOwner = (job: string, id: number) => { anchor: string; title: string } | null;

function checkpointOwner(findings: Finding[]): CheckpointOwner {
  return (job, id) => {
    const i = findings.findIndex((f) => f.checkpoints.includes(id) && (f.jobs.length === 0 || f.jobs.includes(job)));
    return i >= 0 ? { anchor: `f${i + 1}`, title: findings[i]!.title } : null;
  };
}

const COLOURS: Record<string, string> = {
  completed: '#1e8e3e',
  failed: '#d93025',
  declined: '#d93025',
  expired: '#a50e0e',
  aborted: '#e37400',
  triggered: '#9aa0a6',
};
const STATE_FILL: Record<string, string> = { RUNNING: '#e6f4ea', RESTARTING: '#fef7e0', FAILING: '#fce8e6', FAILED: '#f9d0cc', CANCELED: '#eceff1', CANCELLING: '#eceff1', FINISHED: '#e8f0fe', CREATED: '#f1f3f4', INITIALIZING: '#f1f3f4', SUSPENDED: '#eceff1' };

function timelineSection(t: JobTimeline, owner: CheckpointOwner): string {
  const o: string[] = [`<h3>Job ${h(jobTitle(t))}</h3>`, `<p>${h(timelineSummary(t))}${t.start ? ` · <span class="mono">${h(t.start)} → ${h(t.end ?? '')}</span>` : ''}</p>`];
  o.push(`<div class="chart">${svg(t, owner)}</div>`);
  o.push(
    '<div class="legend"><span style="--c:#1e8e3e">completed</span><span style="--c:#d93025">failed / declined</span><span style="--c:#a50e0e">expired</span><span style="--c:#e37400">aborted</span><span style="--c:#9aa0a6">pending / unknown</span><span style="--c:#8e24aa">job restart</span><span style="--c:#fef7e0">job restarting</span><span style="--c:#f9d0cc">job failing / failed</span></div>',
  );
  o.push(`<details${t.rows.length <= 40 ? ' open' : ''}><summary>${t.rows.length} timeline ${t.rows.length === 1 ? 'entry' : 'entries'}</summary>`, '<div class="scroll"><table><tr><th>Time</th><th></th><th>Event</th><th>Duration</th><th>Size</th><th>Detail</th></tr>');
  const ownerLink = (cp: CheckpointRecord | null): string => {
    const own = cp && FAILED_STATES.has(cp.state) ? owner(cp.job, cp.id) : null;
    return own ? ` <a class="finding-link" href="#${own.anchor}">→ ${h(own.title)}</a>` : '';
  };
  for (const r of t.rows) {
    const { symbol, what, detail, failed } = describeRow(r);
    const cp = r.kind === 'checkpoint' ? r.checkpoint : null;
    const cls = r.kind === 'gap' ? 'gap' : failed ? 'failed' : r.kind === 'transition' && r.transition.to === 'RESTARTING' ? 'restart' : '';
    o.push(
      `<tr class="${cls}"><td class="mono">${h(r.time ?? '—')}</td><td>${h(symbol)}</td><td>${h(what === 'gap' ? detail : what)}</td><td class="nw">${cp?.durationMs != null ? h(formatDuration(cp.durationMs)) : ''}</td><td class="nw">${cp?.bytes != null ? h(formatBytes(cp.bytes)) : ''}</td><td>${r.kind === 'gap' ? '' : h(trimLine(cp ? (cp.reason ?? '') : detail, 200))}${ownerLink(cp)}</td></tr>`,
    );
  }
  o.push('</table></div>', '</details>');
  return o.join('\n');
}

/** Inline SVG of one job: job state band, checkpoint markers by state, restart lines, time axis. */
function svg(t: JobTimeline, owner: CheckpointOwner): string {
  const W = 1040;
  const L = 96;
  const R = 56;
  const H = 190;
  const yState = 40;
  const yCp = 100;
  const yAxis = 150;
  let t0 = t.startMs ?? 0;
  let t1 = t.endMs ?? t0;
  if (t1 - t0 < 2000) {
    t0 -= 1000;
    t1 += 1000;
  }
  const pad = (t1 - t0) * 0.02;
  t0 -= pad;
  t1 += pad;
  const x = (ms: number): number => L + ((ms - t0) / (t1 - t0)) * (W - L - R);
  const f = (n: number): string => n.toFixed(1);
  const o: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="100%" preserveAspectRatio="xMinYMin meet" style="min-width:720px;display:block" viewBox="0 0 ${W} ${H}" role="img" aria-label="Checkpoint timeline of job ${h(t.job)}" font-family="system-ui,sans-serif" font-size="11">`];
  o.push(`<text x="8" y="${yState + 4}" fill="#5d6677">job state</text>`, `<text x="8" y="${yCp + 4}" fill="#5d6677">checkpoints</text>`);
  o.push(`<line x1="${L}" x2="${W - R}" y1="${yCp}" y2="${yCp}" stroke="#d9dee7"/>`);

  // job state band, from the transitions
  const tr = t.transitions.filter((x2) => (x2.timeMs ?? isoMs(x2.time)) !== null).sort((a, b) => (a.timeMs ?? isoMs(a.time)!) - (b.timeMs ?? isoMs(b.time)!));
  for (let i = 0; i < tr.length; i++) {
    const a = tr[i]!.timeMs ?? isoMs(tr[i]!.time)!;
    const b = i + 1 < tr.length ? (tr[i + 1]!.timeMs ?? isoMs(tr[i + 1]!.time)!) : t1;
    const state = tr[i]!.to;
    o.push(`<rect class="job-state" data-state="${h(state)}" x="${f(x(a))}" y="${yState - 10}" width="${f(Math.max(1, x(b) - x(a)))}" height="20" fill="${STATE_FILL[state] ?? '#f1f3f4'}" stroke="#ffffff" stroke-width="0.5"><title>${h(`job ${state} from ${tr[i]!.time ?? '?'}`)}</title></rect>`);
  }
  // gaps in checkpoint ids
  for (const r of t.rows) {
    if (r.kind !== 'gap' || r.ms === null) continue;
    const idx = t.checkpoints.findIndex((c) => isoMs(c.triggeredAt) !== null && isoMs(c.triggeredAt)! > r.ms!);
    const prev = idx > 0 ? isoMs(t.checkpoints[idx - 1]!.triggeredAt ?? t.checkpoints[idx - 1]!.endedAt) : null;
    if (prev === null) continue;
    const gw = Math.max(0, x(r.ms) - x(prev) - 12);
    o.push(`<g class="gap"><rect x="${f(x(prev) + 6)}" y="${yCp - 6}" width="${f(gw)}" height="12" fill="none" stroke="#9aa0a6" stroke-dasharray="2 3"/>${gw > 90 ? `<text x="${f(x(prev) + 6 + gw / 2)}" y="${yCp + 22}" text-anchor="middle" fill="#9aa0a6" font-style="italic">${h(r.text.replace(/ not in the log.*/, ' not in the log'))}</text>` : ''}<title>${h(r.text)}</title></g>`);
  }
  // restarts and failures
  for (const x2 of tr) {
    const ms = x2.timeMs ?? isoMs(x2.time)!;
    if (x2.to === 'RESTARTING') {
      o.push(`<g class="restart" data-time="${h(x2.time ?? '')}"><line x1="${f(x(ms))}" x2="${f(x(ms))}" y1="${yState - 16}" y2="${yAxis}" stroke="#8e24aa" stroke-width="1.5" stroke-dasharray="4 3"/><text x="${f(x(ms) > W - R - 40 ? x(ms) - 3 : x(ms) + 3)}" y="${yState - 18}" fill="#8e24aa" font-weight="600"${x(ms) > W - R - 40 ? ' text-anchor="end"' : ''}>restart</text><title>${h(`job restarted at ${x2.time ?? '?'}${x2.cause ? ': ' + x2.cause : ''}`)}</title></g>`);
    } else if (x2.to === 'FAILED' || x2.to === 'FAILING') {
      o.push(`<g class="job-failed" data-time="${h(x2.time ?? '')}"><line x1="${f(x(ms))}" x2="${f(x(ms))}" y1="${yState - 16}" y2="${yAxis}" stroke="#d93025" stroke-width="3"/><text x="${f(x(ms) > W - R - 40 ? x(ms) - 3 : x(ms) + 3)}" y="${yState - 18}" fill="#d93025" font-weight="700"${x(ms) > W - R - 40 ? ' text-anchor="end"' : ''}>${h(x2.to)}</text><title>${h(`job ${x2.to} at ${x2.time ?? '?'}${x2.cause ? ': ' + x2.cause : ''}`)}</title></g>`);
    }
  }
  // Runs of completed checkpoints as a band from the first to the last: those the detector folded,
  // and those whose markers would lie closer than 4 px apart (a marker each would be a smear).
  const banded: [number, number][] = [];
  for (const row of t.rows) {
    if (row.kind !== 'run') continue;
    const r = row.run;
    const a = isoMs(r.firstAt);
    const b = isoMs(r.lastAt) ?? a;
    if (a === null || b === null) continue;
    const folded = t.runs.some((u) => u.firstId <= r.firstId && u.lastId >= r.firstId);
    if (!folded && (x(b) - x(a)) / r.count >= 4) continue;
    banded.push([r.firstId, r.lastId]);
    o.push(`<g class="cp-run" data-first="${r.firstId}" data-last="${r.lastId}"><rect x="${f(x(a))}" y="${yCp - 4}" width="${f(Math.max(2, x(b) - x(a)))}" height="8" rx="4" fill="${COLOURS.completed}" opacity="0.6"/><title>${h(`checkpoints ${r.firstId}–${r.lastId} completed (${r.count}), ${r.firstAt ?? '?'} → ${r.lastAt ?? '?'}`)}</title></g>`);
  }
  const inBand = (id: number): boolean => banded.some(([a, b]) => id >= a && id <= b);
  // checkpoints: duration bar from trigger to end, marker at the trigger time
  const lastLabel = { above: -Infinity, below: -Infinity };
  const drawOrder = [...t.checkpoints.filter((c) => !FAILED_STATES.has(c.state) && !inBand(c.id)), ...t.checkpoints.filter((c) => FAILED_STATES.has(c.state))];
  // Markers closer than MARKER_GAP px apart (checkpoints a second apart on an hour's axis) are
  // moved right of their neighbour, a leader line to their true time; a pile-up that would move
  // one far stays where it is.
  const MARKER_GAP = 16;
  const shown = new Map<CheckpointRecord, number>();
  let prevX = -Infinity;
  for (const c of [...drawOrder].sort((a, b) => (isoMs(a.triggeredAt) ?? isoMs(a.endedAt) ?? 0) - (isoMs(b.triggeredAt) ?? isoMs(b.endedAt) ?? 0))) {
    const start = isoMs(c.triggeredAt) ?? isoMs(c.endedAt);
    if (start === null) continue;
    const want = Math.max(x(start), prevX + MARKER_GAP);
    const at = want - x(start) <= 3 * MARKER_GAP ? want : x(start);
    shown.set(c, at);
    prevX = at;
  }
  for (const c of drawOrder) {
    const start = isoMs(c.triggeredAt) ?? isoMs(c.endedAt);
    if (start === null) continue;
    const end = isoMs(c.endedAt) ?? start;
    const tx = x(start);
    const cx = shown.get(c) ?? tx;
    const failed = FAILED_STATES.has(c.state);
    const colour = COLOURS[c.state] ?? '#9aa0a6';
    const tip = `checkpoint ${c.id} ${c.state}${c.triggeredAt ? ` at ${c.triggeredAt}` : ''}${c.durationMs != null ? `, ${formatDuration(c.durationMs)}` : ''}${c.bytes != null ? `, ${formatBytes(c.bytes)}` : ''}${c.reason ? ` — ${c.reason}` : ''}`;
    const cls = `cp ${failed ? 'cp-failed' : c.state === 'completed' ? 'cp-completed' : 'cp-other'}`;
    const parts = [`<rect x="${f(tx)}" y="${yCp - 3}" width="${f(Math.max(0, x(end) - tx))}" height="6" fill="${colour}" opacity="0.45"/>`];
    if (cx - tx > 1) parts.push(`<path class="leader" d="M${f(tx)} ${yCp + 12} L${f(tx)} ${yCp + 9} L${f(cx)} ${yCp + 7}" fill="none" stroke="${colour}" stroke-width="1"/>`);
    if (failed) {
      parts.push(`<rect x="${f(cx - 7)}" y="${yCp - 7}" width="14" height="14" rx="2" fill="#fff" stroke="${colour}" stroke-width="2"/>`, `<path d="M${f(cx - 4)} ${yCp - 4} L${f(cx + 4)} ${yCp + 4} M${f(cx + 4)} ${yCp - 4} L${f(cx - 4)} ${yCp + 4}" stroke="${colour}" stroke-width="2.2" stroke-linecap="round"/>`);
    } else if (c.state === 'completed') {
      parts.push(`<circle cx="${f(cx)}" cy="${yCp}" r="6" fill="${colour}" stroke="#fff" stroke-width="1.5"/>`);
    } else {
      parts.push(`<circle cx="${f(cx)}" cy="${yCp}" r="5.5" fill="#fff" stroke="${colour}" stroke-width="2"/>`);
    }
    const lane = failed ? 'below' : 'above';
    // A label where it does not touch the last one (about 7 px a digit at this font size).
    if (Math.abs(cx - lastLabel[lane]) >= 10 + 7 * String(c.id).length) {
      parts.push(`<text x="${f(cx)}" y="${yCp + (failed ? 24 : -12)}" text-anchor="middle" paint-order="stroke" stroke="#fff" stroke-width="4" fill="${failed ? colour : '#5d6677'}"${failed ? ' font-weight="700"' : ''}>${c.id}</text>`);
      lastLabel[lane] = cx;
    }
    const own = failed ? owner(c.job, c.id) : null;
    const g = `<g class="${cls}" data-state="${c.state}" data-checkpoint="${c.id}">${parts.join('')}<title>${h(own ? `${tip} (caused by: ${own.title})` : tip)}</title></g>`;
    o.push(own ? `<a href="#${own.anchor}">${g}</a>` : g);
  }
  // time axis
  o.push(`<line x1="${L}" x2="${W - R}" y1="${yAxis}" y2="${yAxis}" stroke="#5d6677"/>`);
  const ticks = 6;
  for (let i = 0; i <= ticks; i++) {
    const ms = t0 + ((t1 - t0) * i) / ticks;
    const label = new Date(ms).toISOString();
    const text = t1 - t0 > 2 * 86_400_000 ? label.slice(5, 16).replace('T', ' ') : label.slice(11, t1 - t0 < 60_000 ? 23 : 19);
    o.push(`<line x1="${f(x(ms))}" x2="${f(x(ms))}" y1="${yAxis}" y2="${yAxis + 5}" stroke="#5d6677"/><text x="${f(x(ms))}" y="${yAxis + 18}" text-anchor="${i === 0 ? 'start' : i === ticks ? 'end' : 'middle'}" fill="#5d6677">${h(text)}</text>`);
  }
  if (t.start) o.push(`<text x="${L}" y="${H - 4}" fill="#9aa0a6">${h(t.start.slice(0, 10))}${/[zZ]|[+-]\d\d:?\d\d$/.test(t.start) ? '' : ' (log-local time)'}</text>`);
  o.push('</svg>');
  return o.join('\n');
}

function unknownHtml(d: Diagnosis, n: number | undefined): string[] {
  const v = unknownView(d, n);
  if (!v) return [];
  const o = ['<h2 id="unknown">Unknown failures</h2>', `<p class="muted">No pattern knows these; ${h(unknownHeading(v))}. Ranked by likely relevance.</p>`];
  if (v.top.length === 0) o.push('<p>None outside known background noise.</p>');
  for (const g of v.top) {
    o.push(`<section class="unknown" id="${h(g.fingerprint)}">`);
    o.push(`<h3>${g.rank}. ${g.level ? `<span class="sev ${g.level === 'WARN' ? 'warning' : g.level === 'ERROR' || g.level === 'FATAL' ? 'error' : 'info'}">${h(g.level)}</span>` : ''}${h(trimLine(unknownTitle(g), 200))} <span class="id">${h(g.fingerprint)}</span></h3>`);
    o.push(`<p class="muted">${h(unknownCountLine(g))} · ${h(unknownWhere(g))}${g.reasons.length ? `<br>why here: ${h(g.reasons.join('; '))}` : ''}</p>`);
    o.push(`<div class="ev"><div class="where mono">${h(g.sample.source)}:${g.sample.line}</div><pre>${h(g.sample.text.map((l) => trimLine(l, 300)).join('\n'))}</pre></div>`);
    o.push('</section>');
  }
  if (v.benign.length) {
    o.push('<h3>Known background noise (demoted)</h3>', '<ul class="noise">');
    for (const g of v.benign) o.push(`<li><span class="mono">${h(g.fingerprint)}</span> ${h(g.level ?? '')} ${h(trimLine(unknownTitle(g), 160))} — ${h(benignLabel(g))}, ${g.count}×</li>`);
    o.push('</ul>');
  }
  if (v.hidden > 0) o.push(`<p class="muted">${v.hidden} more group${v.hidden === 1 ? '' : 's'} not listed (<code>--unknown N</code> lists more).</p>`);
  return o;
}
