// opencode-bridge dashboard: applies the server-rendered fragments the push channel sends (/dashboard/events).
// No framework, no network beyond this origin. The user's open/closed choices and keyboard focus survive updates.
(() => {
  const sessions = document.getElementById('sessions');
  const connection = document.getElementById('connection');
  /** Thread and decision-list element ids the user opened or closed, so fragments keep that choice. */
  const toggled = new Map();

  function setConnection(state, text) {
    connection.className = `badge conn-${state}`;
    connection.textContent = text;
  }

  function localTimes(root) {
    for (const element of root.querySelectorAll('time[datetime]')) {
      const date = new Date(element.getAttribute('datetime'));
      if (!Number.isNaN(date.getTime())) {
        element.textContent = date.toLocaleTimeString([], {
          hour: '2-digit',
          minute: '2-digit',
          second: '2-digit',
        });
        element.title = date.toLocaleString();
      }
    }
  }

  function keepToggles(root) {
    for (const details of root.querySelectorAll('details[id]')) {
      if (toggled.has(details.id)) details.open = toggled.get(details.id);
    }
  }

  function fragment(html) {
    const template = document.createElement('template');
    template.innerHTML = html;
    const element = template.content.firstElementChild;
    localTimes(template.content);
    keepToggles(template.content);
    return element;
  }

  /** Replaces an element, putting keyboard focus back on the element with the same id inside it. */
  function replace(old, next) {
    const focused = document.activeElement;
    const focusId = old.contains(focused) ? (focused.closest('[id]')?.id ?? null) : null;
    const isSummary = focused?.tagName === 'SUMMARY';
    old.replaceWith(next);
    if (focusId) {
      const target = document.getElementById(focusId);
      const summary = isSummary ? target?.querySelector(':scope > summary') : null;
      (summary ?? target)?.focus();
    }
  }

  function apply(message) {
    if (message.sessions.length > 0) document.getElementById('no-sessions')?.remove();
    for (const id of message.removed) document.getElementById(id)?.remove();
    for (const session of message.sessions) {
      const next = fragment(session.html);
      const old = document.getElementById(session.domId);
      if (old) replace(old, next);
      else sessions.append(next);
    }
    // Most recently active first; only elements out of place are moved (moving one would drop its focus).
    let previous = null;
    for (const id of message.order) {
      const element = document.getElementById(id);
      if (!element) continue;
      const expected = previous ? previous.nextElementSibling : sessions.firstElementChild;
      if (element !== expected && !element.contains(document.activeElement)) {
        sessions.insertBefore(element, expected);
      }
      previous = element;
    }
    if (message.problems !== undefined) {
      const problems = document.getElementById('problems');
      problems.innerHTML = message.problems;
      localTimes(problems);
    }
    if (message.limits !== undefined) {
      const limits = document.getElementById('limits');
      limits.innerHTML = message.limits;
      localTimes(limits);
    }
  }

  document.addEventListener(
    'toggle',
    (event) => {
      if (event.target instanceof HTMLDetailsElement && event.target.id)
        toggled.set(event.target.id, event.target.open);
    },
    true,
  );

  localTimes(document);
  const events = new EventSource('/dashboard/events');
  const onMessage = (event) => {
    setConnection('live', 'live');
    apply(JSON.parse(event.data));
  };
  events.addEventListener('snapshot', onMessage);
  events.addEventListener('changes', onMessage);
  events.addEventListener('open', () => setConnection('live', 'live'));
  events.addEventListener('error', () => {
    if (events.readyState === EventSource.CLOSED) {
      setConnection('closed', 'disconnected: reload, or run codex-oss dashboard to log in again');
    } else {
      setConnection('connecting', 'reconnecting…');
    }
  });
})();
