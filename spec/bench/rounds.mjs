// Interleaved rounds: every target measured once per round, the order changed each round so drift
// on a shared machine hits every target alike; ratios are taken within a round (target/baseline)
// and summarised by their median and spread (min-max).

/** A pause before each run, so the previous server's clean-up is over. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 500));

/** `list` rotated left by `r` places: round r's order of the targets (also their start order). */
export function rotate(list, r) {
  return list.map((_, i) => list[(i + r) % list.length]);
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function summary(values) {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/**
 * `measure(target, seconds)` → { rate, cpuPerOp }. `control`: [a, b], two copies of the same
 * server; rounds are added (up to maxRounds) until b/a lands within 0.95-1.05. `newRound`, when
 * given, runs before every round with the round's index (the HTTP bench starts fresh server
 * processes there); every target is warmed up after it, otherwise once at the start.
 */
export async function runRounds({ targets, baseline, measure, seconds, warmSeconds, rounds, maxRounds = rounds, control, log, newRound }) {
  const warm = async () => {
    for (const t of targets) await measure(t, warmSeconds);
  };
  if (newRound === undefined) await warm();
  const samples = Object.fromEntries(targets.map((t) => [t, []]));
  const ratios = Object.fromEntries(targets.map((t) => [t, { rate: [], cpu: [] }]));
  let r = 0;
  for (;;) {
    if (newRound !== undefined) {
      await newRound(r);
      await warm();
    }
    // Rotated each round and reversed every other round: a target is not always measured right
    // after the same neighbour (a server that is still cleaning up after its run, GC, closing
    // sockets, slows the next one; with rotation alone, that hit the same target every round).
    const rotated = rotate(targets, r);
    const order = r % 2 ? rotated.reverse() : rotated;
    const round = {};
    for (const t of order) {
      await settle();
      round[t] = await measure(t, seconds);
    }
    for (const t of targets) {
      samples[t].push(round[t]);
      ratios[t].rate.push(round[t].rate / round[baseline].rate);
      ratios[t].cpu.push(round[t].cpuPerOp / round[baseline].cpuPerOp);
    }
    r++;
    log?.(`    round ${r}: ` + targets.map((t) => `${t} ${(round[t].rate / round[baseline].rate).toFixed(2)}`).join('  '));
    if (r < rounds) continue;
    if (!control) break;
    const c = median(ratios[control[1]].rate.map((v, i) => v / ratios[control[0]].rate[i]));
    if ((c >= 0.95 && c <= 1.05) || r >= maxRounds) break;
    log?.(`    control at ${c.toFixed(3)}: adding a round`);
  }
  const result = { rounds: r, targets: {} };
  for (const t of targets) {
    result.targets[t] = {
      rate: summary(ratios[t].rate),
      cpuPerOp: summary(ratios[t].cpu),
      absolute: { rate: median(samples[t].map((s) => s.rate)), cpuMicrosPerOp: median(samples[t].map((s) => s.cpuPerOp)) },
    };
  }
  return result;
}
