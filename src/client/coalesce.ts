/**
 * Write batching for the engine driver: a burst of encoded packets becomes a few transport writes.
 */

/** Chunks up to this size are copied together into one buffer per write; larger ones are written as they are. */
const COALESCE_MAX_CHUNK = 4096;

/**
 * Turns a burst of chunks into few transport writes: chunks adjacent in one buffer (packets the codec encoded one
 * after the other into its slab) become one view, without a copy; what remains of runs of small chunks is copied
 * together into one buffer. Large payloads are never copied. A burst of small packets is then one `writev` of a
 * few views, not one `write()` with its bookkeeping per packet.
 */
export function coalesce(chunks: Uint8Array[]): Uint8Array[] {
  return chunks.length < 2 ? chunks : joinSmallRuns(mergeAdjacent(chunks));
}

/** Merges chunks that follow each other in the same buffer into one view each. */
function mergeAdjacent(chunks: Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let current = chunks[0];
  let start = current.byteOffset;
  let end = start + current.length;
  let merged = false;
  for (let i = 1; i < chunks.length; i++) {
    const chunk = chunks[i];
    if (chunk.buffer === current.buffer && chunk.byteOffset === end) {
      end += chunk.length;
      merged = true;
      continue;
    }
    out.push(merged ? new Uint8Array(current.buffer, start, end - start) : current);
    current = chunk;
    start = chunk.byteOffset;
    end = start + chunk.length;
    merged = false;
  }
  out.push(merged ? new Uint8Array(current.buffer, start, end - start) : current);
  return out;
}

/** Copies each run of two or more small chunks into one buffer. */
function joinSmallRuns(chunks: Uint8Array[]): Uint8Array[] {
  const n = chunks.length;
  if (n < 2) return chunks;
  const out: Uint8Array[] = [];
  let i = 0;
  while (i < n) {
    let j = i;
    let total = 0;
    while (j < n && chunks[j].length <= COALESCE_MAX_CHUNK) total += chunks[j++].length;
    if (j - i > 1) {
      const joined = new Uint8Array(total);
      let offset = 0;
      for (let k = i; k < j; k++) {
        joined.set(chunks[k], offset);
        offset += chunks[k].length;
      }
      out.push(joined);
    } else if (j > i) {
      out.push(chunks[i]);
    }
    if (j < n) out.push(chunks[j++]);
    i = j;
  }
  return out;
}
