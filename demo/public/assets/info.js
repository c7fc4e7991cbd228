// /info page: fetches the complete record of this run (step E happens after the page was sent).
'use strict';

const list = document.getElementById('trace');
const note = document.getElementById('trace-note');

async function load() {
  const response = await fetch(`/api/info/${encodeURIComponent(list.dataset.traceId)}`, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const trace = await response.json();
  list.replaceChildren();
  for (const step of trace.steps) {
    const item = document.createElement('li');
    item.dataset.label = step.label;
    const code = document.createElement('code');
    code.textContent = step.line;
    item.append(code);
    list.append(item);
  }
  note.textContent = `Order: ${trace.steps.map((s) => s.label).join(', ')} — answered with status ${trace.status}.`;
}

load().catch((err) => {
  note.textContent = `Could not fetch the full record (${err.message}).`;
});
