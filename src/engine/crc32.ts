// CRC-32 (IEEE), as zip and PNG compute it (zlib.crc32 is newer than the Node of VS Code 1.90):
// the check of the files the engine writes (ngram/ngramFile, memory/projectMemoryFile, model/gradientPrior).

let crcTable: Uint32Array | undefined;

/** CRC-32 of `data`; pass the previous result as `crc` to continue over data given in parts. */
export function crc32(data: Uint8Array, crc = 0): number {
  const table = (crcTable ??= Uint32Array.from({ length: 256 }, (_, n) => {
    for (let k = 0; k < 8; k++) n = n & 1 ? 0xedb88320 ^ (n >>> 1) : n >>> 1;
    return n;
  }));
  let c = (crc ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
