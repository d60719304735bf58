/**
 * The dashboard's HTML, rendered on the server: the page and, for the push channel, the fragments that replace a
 * session, the limits or the problem list. Every value is escaped. States carry a text label as well as a colour;
 * a thread is a <details> element, so the tree opens and closes from the keyboard.
 */
import type { LimitsView, ModelLimits } from './limits.ts';
import type { ProblemView, SessionView, ThreadState, ThreadView } from './model.ts';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (char) => ESCAPES[char] as string);
}

const STATE_LABEL: Record<ThreadState, string> = {
  queued: 'queued',
  waiting_upstream: 'waiting for upstream',
  streaming: 'streaming',
  completed: 'done',
  incomplete: 'incomplete',
  failed: 'failed',
  client_disconnected: 'client left',
};

/** Dates go out as ISO strings in <time>; the script shows them in local time and keeps "ago" texts fresh. */
function time(ms: number, text?: string): string {
  const iso = new Date(ms).toISOString();
  return `<time datetime="${iso}">${escapeHtml(text ?? iso.slice(11, 19))}</time>`;
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}

/** Element ids carry ids from headers: only [A-Za-z0-9_-] survive, the rest is hex-encoded. */
export function domId(prefix: string, id: string): string {
  return `${prefix}-${id.replace(/[^A-Za-z0-9_-]/g, (char) => `_${char.charCodeAt(0).toString(16)}`)}`;
}

function shortId(id: string): string {
  return id.length > 13 ? `…${id.slice(-12)}` : id;
}

/** A state the labels do not know (a record saved by another version) is shown as it is, escaped like any value. */
export function stateBadge(state: ThreadState, reason: string | null): string {
  const label = (STATE_LABEL[state] ?? state) + (reason ? `: ${reason}` : '');
  return `<span class="badge state-${escapeHtml(state)}" data-state="${escapeHtml(state)}">${escapeHtml(label)}</span>`;
}

function tokens(thread: ThreadView): string {
  const { input, cached, output, reasoning } = thread.tokens;
  return `in ${count(input)} (cached ${count(cached)}) · out ${count(output)} (reasoning ${count(reasoning)})`;
}

/** `ocg-kimi-k2.6` asked and `kimi-k2.6` served are the same model (Codex ids carry a prefix). */
function sameModel(asked: string, served: string): boolean {
  return asked === served || asked.replace(/^(?:ocg-|opencode-go\/)/, '') === served;
}

function threadNode(thread: ThreadView, children: Map<string | null, ThreadView[]>, depth: number): string {
  const kids = children.get(thread.id) ?? [];
  const role =
    thread.parentId === null && thread.subagent === null ? 'root' : (thread.subagent ?? 'subagent');
  const served =
    thread.servedModel && !sameModel(thread.modelAsked, thread.servedModel)
      ? ` → <span class="served">${escapeHtml(thread.servedModel)}</span>`
      : '';
  const decisions =
    thread.decisions.length > 0
      ? `<ol class="decisions">${thread.decisions.map((text) => `<li>${escapeHtml(text)}</li>`).join('')}</ol>`
      : '<p class="muted">no decisions</p>';
  const childList =
    kids.length > 0
      ? `<ul class="tree">${kids.map((kid) => `<li>${threadNode(kid, children, depth + 1)}</li>`).join('')}</ul>`
      : '';
  return `<details class="thread" id="${domId('t', thread.id)}" data-thread="${escapeHtml(thread.id)}" data-state="${escapeHtml(thread.state)}"${depth < 2 ? ' open' : ''}>
<summary><span class="role">${escapeHtml(role)}</span> <span class="asked">${escapeHtml(thread.modelAsked)}</span>${served}${thread.effort ? ` <span class="muted">effort ${escapeHtml(thread.effort)}</span>` : ''} ${stateBadge(thread.state, thread.reason)}</summary>
<dl class="facts">
<dt>thread</dt><dd title="${escapeHtml(thread.id)}">${escapeHtml(shortId(thread.id))}</dd>
<dt>turns</dt><dd data-fact="turns">${count(thread.turns)}</dd>
<dt>tool calls</dt><dd data-fact="tool-calls">${count(thread.toolCalls)}</dd>
<dt>tokens</dt><dd data-fact="tokens">${tokens(thread)}</dd>
<dt>first token</dt><dd>${thread.firstTokenMs === null ? '–' : `${count(thread.firstTokenMs)} ms`}</dd>
<dt>updated</dt><dd>${time(thread.updatedAt)}</dd>
</dl>
<details class="decision-list"><summary>decisions (${thread.decisions.length})</summary>${decisions}</details>
${childList}
</details>`;
}

/** A session's threads as trees: roots (and children whose parent the bridge never saw) at the top. */
export function renderSession(session: SessionView): string {
  const known = new Set(session.threads.map((thread) => thread.id));
  const children = new Map<string | null, ThreadView[]>();
  for (const thread of session.threads) {
    const parent = thread.parentId && known.has(thread.parentId) ? thread.parentId : null;
    const list = children.get(parent) ?? [];
    list.push(thread);
    children.set(parent, list);
  }
  const roots = children.get(null) ?? [];
  const activity = session.active > 0 ? `${session.active} in flight` : 'idle';
  return `<article class="session" id="${domId('s', session.id)}" data-session="${escapeHtml(session.id)}" aria-labelledby="${domId('sh', session.id)}">
<h3 id="${domId('sh', session.id)}">session <span title="${escapeHtml(session.id)}">${escapeHtml(shortId(session.id))}</span> <span class="muted">${session.threads.length} thread(s), ${activity}, started ${time(session.startedAt)}</span></h3>
<ul class="tree">${roots.map((root) => `<li>${threadNode(root, children, 0)}</li>`).join('')}</ul>
</article>`;
}

export function renderSessions(sessions: readonly SessionView[]): string {
  if (sessions.length === 0)
    return '<p class="muted" id="no-sessions">No requests yet. Start Codex with the bridge; sessions appear here live.</p>';
  return sessions.map(renderSession).join('\n');
}

function percent(part: number, whole: number): number {
  return whole > 0 ? Math.min(100, Math.round((part / whole) * 1000) / 10) : 0;
}

function usageBar(limits: ModelLimits): string {
  if (limits.requestLimit === null)
    return `<span class="muted">${count(limits.requests)} requests (no known limit)</span>`;
  const limit = limits.requestLimit;
  const used = percent(limits.requests, limit);
  const note = used >= 90 ? ' – at the limit' : used >= 80 ? ' – near the limit' : '';
  const label = `${count(limits.requests)} of ${count(limit)} requests (${used}%)${note}`;
  // <meter> colours itself from low/high/optimum (no inline style, which the page's CSP forbids).
  return `<meter min="0" max="${limit}" low="${Math.round(limit * 0.8)}" high="${Math.round(limit * 0.9)}" optimum="0" value="${limits.requests}" aria-label="${escapeHtml(`${limits.model}: ${label}`)}">${used}%</meter> <span class="bar-label">${escapeHtml(label)}</span>`;
}

function breakerCell(limits: ModelLimits): string {
  const { state, failures, retryAt } = limits.breaker;
  const text =
    state === 'closed'
      ? `circuit closed${failures > 0 ? ` (${failures} failure(s) in a row)` : ''}`
      : state === 'open'
        ? 'circuit open'
        : 'circuit half-open (probing)';
  const retry = state === 'open' && retryAt ? `, retry at ${time(retryAt)}` : '';
  return `<span class="badge breaker-${escapeHtml(state)}">${escapeHtml(text)}</span>${retry}`;
}

export function renderLimits(limits: LimitsView): string {
  const rows = limits.models
    .map(
      (model) => `<tr data-model="${escapeHtml(model.model)}">
<th scope="row">${escapeHtml(model.model)}</th>
<td>${usageBar(model)}<div class="muted">tokens in ${count(model.inputTokens)} · out ${count(model.outputTokens)}${model.freeAt ? ` · window clear at ${time(model.freeAt)}` : ''}</div></td>
<td>${breakerCell(model)}</td>
<td>${count(model.active)} / ${count(model.cap)}</td>
</tr>`,
    )
    .join('\n');
  const { concurrency } = limits;
  return `<p class="slots">Upstream slots: <strong>${count(concurrency.active)} / ${count(concurrency.globalCap)}</strong> in use · queue <strong>${count(concurrency.queued)} / ${count(concurrency.queueMax)}</strong></p>
<div class="table-wrap"><table class="limits">
<caption>Current 5-hour window, per upstream model</caption>
<thead><tr><th scope="col">model</th><th scope="col">requests and tokens</th><th scope="col">breaker</th><th scope="col">slots</th></tr></thead>
<tbody>${rows}</tbody>
</table></div>`;
}

export function renderProblems(problems: readonly ProblemView[]): string {
  if (problems.length === 0) return '<p class="muted" id="no-problems">No errors or incomplete answers.</p>';
  return `<ol class="problems">${problems
    .map(
      (problem) => `<li class="problem" data-reason="${escapeHtml(problem.reason)}">
<p>${time(problem.at)} <span class="badge state-${escapeHtml(problem.outcome)}">${escapeHtml(problem.outcome)}: ${escapeHtml(problem.reason)}</span> <span class="asked">${escapeHtml(problem.model)}</span> <span class="muted">thread ${escapeHtml(shortId(problem.threadId))}</span></p>
${problem.message ? `<p class="message">${escapeHtml(problem.message)}</p>` : ''}
<p class="fix">Fix: <code>${escapeHtml(problem.fix)}</code></p>
</li>`,
    )
    .join('\n')}</ol>`;
}

export interface PageParts {
  version: string;
  sessions: readonly SessionView[];
  limits: LimitsView;
  problems: readonly ProblemView[];
  showContent: boolean;
}

export function renderPage(parts: PageParts): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>opencode-bridge dashboard</title>
<link rel="stylesheet" href="/dashboard/static/dashboard.css">
<script src="/dashboard/static/dashboard.js" defer></script>
</head>
<body>
<a class="skip" href="#sessions">Skip to sessions</a>
<header>
<h1>opencode-bridge <span class="muted">${escapeHtml(parts.version)}</span></h1>
<p id="connection" class="badge conn-connecting" role="status" aria-live="polite">connecting…</p>
<p class="muted">${parts.showContent ? 'PROXY_LOG_BODIES=1: decisions include tool content.' : 'No prompt, tool content or answer text is shown (PROXY_LOG_BODIES=1 would show tool content).'}</p>
</header>
<main>
<section id="sessions-section" aria-labelledby="sessions-heading">
<h2 id="sessions-heading">Sessions and subagents</h2>
<div id="sessions">${renderSessions(parts.sessions)}</div>
</section>
<aside>
<section aria-labelledby="limits-heading">
<h2 id="limits-heading">Limits</h2>
<div id="limits">${renderLimits(parts.limits)}</div>
</section>
<section aria-labelledby="problems-heading">
<h2 id="problems-heading">Recent problems</h2>
<div id="problems">${renderProblems(parts.problems)}</div>
</section>
</aside>
</main>
</body>
</html>
`;
}

/** A page for a visitor without a valid session cookie: what to run, and nothing else. */
export function renderLoginNeeded(why: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>opencode-bridge dashboard: log in</title>
<link rel="stylesheet" href="/dashboard/static/dashboard.css"></head>
<body><main class="login"><h1>opencode-bridge dashboard</h1><p>${escapeHtml(why)}</p>
<p>Run <code>codex-oss dashboard</code> in your project: it opens this page with a one-time login link.</p></main></body></html>
`;
}
