// Every row of the advisory table (shared/security.md, copied here since that file is not part of
// the package) has its regression spec in spec/security/, named after one of the row's ids.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';

/** One entry per row: the ids of the row (any of them may name the spec file). */
const ROWS: readonly (readonly string[])[] = [
  ['CVE-2024-45296', 'CVE-2024-52798'],
  ['CVE-2026-4926'],
  ['CVE-2026-4923'],
  ['CVE-2024-45813'],
  ['CVE-2024-47764'],
  ['GHSA-26pp-8wgv-hjvm', 'CVE-2026-47675'],
  ['CVE-2024-37890'],
  ['CVE-2021-32640'],
  ['ws-3.3.1'],
  ['CVE-2020-7662'],
  ['CVE-2016-10518', 'CVE-2026-45736'],
  ['CVE-2016-10542'],
  ['CVE-2026-48779'],
  ['CVE-2024-29041'],
  ['CVE-2024-43796', 'CVE-2025-32379'],
  ['CVE-2025-8129', 'CVE-2025-62595'],
  ['CVE-2024-43799', 'CVE-2024-43800'],
  ['CVE-2014-6394'],
  ['CVE-2015-1164'],
  ['CVE-2025-25200'],
  ['CVE-2026-27959'],
  ['CVE-2024-45590'],
  ['CVE-2025-13466'],
  ['GHSA-v422-hmwv-36x6'],
  ['CVE-2022-24999', 'CVE-2025-15284'],
  ['CVE-2026-44456'],
  ['CVE-2026-47676'],
  ['GHSA-q5qw-h33p-qvwr'],
  ['GHSA-63x4-8g8c-vhww'],
  ['CVE-2024-22019'],
  // Design-level risks without a CVE number.
  ['session-memory-bound'],
  ['session-concurrent-writes'],
  ['session-fixation'],
];

test('every advisory row has a regression spec named after it', () => {
  const files = readdirSync(new URL('.', import.meta.url)).filter((f) => f.endsWith('.spec.js'));
  const missing = ROWS.filter((ids) => !ids.some((id) => files.some((f) => f.startsWith(id.toLowerCase()))));
  assert.deepEqual(missing, [], `rows without a spec: ${missing.map((ids) => ids.join('/')).join(', ')}`);
});
