// Turns documents into parallel token streams for truncated backprop through time: each of the
// batch's lanes is one long stream read in consecutive chunks, so the hidden state carried from
// chunk to chunk is what inference sees — one long state over the text.

export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * Concatenates documents (each led by <|doc|>) in the given order and cuts the stream into `lanes`
 * equal rows. Returns the rows as one [lanes, length] array; `length` is a multiple of `steps`
 * plus one, since targets are the inputs shifted by one.
 */
export function makeLanes(docs: readonly ArrayLike<number>[], docStartId: number, lanes: number, steps: number): { data: Int32Array; length: number } {
  let total = 0;
  for (const d of docs) total += d.length + 1;
  const chunks = Math.floor((total - lanes) / (lanes * steps));
  if (chunks < 1) return { data: new Int32Array(0), length: 0 };
  const length = chunks * steps + 1;
  const data = new Int32Array(lanes * length);
  let i = 0;
  outer: for (const d of docs) {
    const seq = [docStartId];
    for (let k = 0; k < d.length; k++) seq.push(d[k]);
    for (const id of seq) {
      const lane = Math.floor(i / length);
      if (lane >= lanes) break outer;
      data[i++] = id;
    }
  }
  return { data, length };
}

/** Inputs and targets of chunk `c` ([lanes, steps] each, row-major). */
export function chunkAt(lanesData: { data: Int32Array; length: number }, lanes: number, steps: number, c: number): { inputs: Int32Array; targets: Int32Array } {
  const inputs = new Int32Array(lanes * steps);
  const targets = new Int32Array(lanes * steps);
  for (let l = 0; l < lanes; l++) {
    const base = l * lanesData.length + c * steps;
    inputs.set(lanesData.data.subarray(base, base + steps), l * steps);
    targets.set(lanesData.data.subarray(base + 1, base + steps + 1), l * steps);
  }
  return { inputs, targets };
}
