// GET /info: the middleware sequence of the seed document ("Middleware Sequence", Express's guide),
// made visible. A wraps everything (it logs E after next() returns), B logs the time, the first
// /info handler sets 201 and calls next(), the second one sends the page. Because the page is sent
// by D while E runs only after it, each run is recorded under an id and the page's script fetches the
// complete record (A, B, C, D, E) from /api/info/:id once the page has arrived.

import { randomBytes } from 'node:crypto';
import { Router, escapeHtml, type Request, type Response } from '../lib/index.js';

export interface TraceStep {
  label: string;
  line: string;
  at: number;
}

export interface Trace {
  id: string;
  status: number;
  steps: TraceStep[];
}

/** How many runs are kept for /api/info/:id (oldest dropped first). */
const KEPT = 100;

export class TraceLog {
  readonly #traces = new Map<string, Trace>();

  start(): Trace {
    const trace: Trace = { id: randomBytes(9).toString('base64url'), status: 0, steps: [] };
    this.#traces.set(trace.id, trace);
    if (this.#traces.size > KEPT) this.#traces.delete(this.#traces.keys().next().value as string);
    return trace;
  }

  get(id: string): Trace | undefined {
    return this.#traces.get(id);
  }
}

const kTrace = Symbol('demo.trace');
type Traced = Request & { [kTrace]?: Trace };

/** Where the seed's console.log lines go as well (the server's log), if anywhere. */
export type SeedPrinter = (line: string) => void;

/** The seed's app, as a router mounted at /info: A and B with use(), C and D on GET '/'. */
export function seedRouter(traces: TraceLog, print?: SeedPrinter): Router {
  const router = Router();
  const step = (req: Request, label: string, line: string): Trace => {
    const trace = (req as Traced)[kTrace] as Trace;
    trace.steps.push({ label, line, at: Date.now() });
    print?.(line);
    return trace;
  };

  // A. First middleware: runs first, and again (E) after everything after it has returned.
  router.use((req, res, next) => {
    (req as Traced)[kTrace] = traces.start();
    step(req, 'A', `A. Entry Point, ${req.method}`);
    void next();
    const trace = step(req, 'E', `E. End at ${Date.now()}, ${req.method}`);
    trace.status = res.statusCode;
  });

  // B. Second middleware.
  router.use((req, _res, next) => {
    step(req, 'B', `B. Request time: ${Date.now()}, ${req.method}`);
    void next();
  });

  // C. First handler: sets the status and passes on.
  router.get('/', (req, res, next) => {
    step(req, 'C', 'C. First handler for /info');
    res.status(201);
    void next();
  });

  // D. Second handler: sends the page.
  router.get('/', (req, res) => {
    const trace = step(req, 'D', 'D. Second handler for /info');
    res.type('html').set('Cache-Control', 'no-store').send(infoPage(trace));
  });

  return router;
}

/** GET /api/info/:id — the whole record of one run, E included. */
export function traceRoute(traces: TraceLog) {
  return (req: Request<{ id: string }>, res: Response): void => {
    const trace = traces.get(req.params.id);
    if (trace === undefined) {
      res.status(404).json({ error: { code: 'unknown_trace', message: 'No such run (only the last 100 are kept).' } });
      return;
    }
    res.set('Cache-Control', 'no-store').json(trace);
  };
}

function infoPage(trace: Trace): string {
  const items = trace.steps.map((s) => `<li data-label="${escapeHtml(s.label)}"><code>${escapeHtml(s.line)}</code></li>`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Middleware sequence · Keel demo</title>
<link rel="stylesheet" href="/assets/style.css">
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<script src="/assets/info.js" defer></script>
</head>
<body class="page-info">
<main class="card wide">
<h1>Welcome Again</h1>
<p>This page was sent by handler <strong>D</strong>, with the status <strong>201</strong> that handler
<strong>C</strong> set. Middleware <strong>A</strong> called <code>next()</code> and logs <strong>E</strong>
when it returns — after the page was already on its way — so the full order is fetched once the page has
arrived.</p>
<h2>Order in which the middleware ran</h2>
<ol id="trace" data-trace-id="${escapeHtml(trace.id)}">${items}</ol>
<p id="trace-note" class="muted">Fetching step E…</p>
<p><a href="/info">Run it again</a> · <a href="/chat">Back to the chat</a></p>
</main>
</body>
</html>
`;
}
