// What a native binary asks the loader for, read from the file itself (no readelf, otool or dumpbin
// needed, so every target's binary can be checked on any machine): ELF DT_NEEDED entries, Mach-O
// dylib load commands, PE import and delay-import tables. The package carries a platform's
// onnxruntime_binding.node and the libraries of its folder that it loads, directly or through
// each other, and nothing else.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** Library names an ELF file (64-bit little-endian) needs: its DT_NEEDED entries. */
function elfNeeded(b) {
  if (b[4] !== 2 || b[5] !== 1) throw new Error('only 64-bit little-endian ELF is supported');
  const shoff = Number(b.readBigUInt64LE(0x28));
  const shentsize = b.readUInt16LE(0x3a);
  const shnum = b.readUInt16LE(0x3c);
  const section = (i) => {
    const at = shoff + i * shentsize;
    return { type: b.readUInt32LE(at + 4), offset: Number(b.readBigUInt64LE(at + 0x18)), size: Number(b.readBigUInt64LE(at + 0x20)), link: b.readUInt32LE(at + 0x28) };
  };
  const names = [];
  for (let i = 0; i < shnum; i++) {
    const dynamic = section(i);
    if (dynamic.type !== 6) continue; // SHT_DYNAMIC
    const strings = section(dynamic.link);
    for (let at = dynamic.offset; at < dynamic.offset + dynamic.size; at += 16) {
      const tag = b.readBigInt64LE(at);
      if (tag === 0n) break; // DT_NULL
      if (tag === 1n) names.push(cString(b, strings.offset + Number(b.readBigUInt64LE(at + 8)))); // DT_NEEDED
    }
  }
  return names;
}

// LC_LOAD_DYLIB, LC_LOAD_WEAK_DYLIB, LC_REEXPORT_DYLIB, LC_LAZY_LOAD_DYLIB, LC_LOAD_UPWARD_DYLIB
// (not LC_ID_DYLIB, a library's own name).
const MACHO_LOADS = new Set([0xc, 0x80000018, 0x8000001f, 0x20, 0x80000023]);

/** Install names a 64-bit Mach-O file loads (e.g. `@rpath/libonnxruntime.1.dylib`). */
function machoDylibs(b) {
  const ncmds = b.readUInt32LE(16);
  const names = [];
  for (let i = 0, at = 32; i < ncmds; i++) {
    const cmd = b.readUInt32LE(at);
    if (MACHO_LOADS.has(cmd)) names.push(cString(b, at + b.readUInt32LE(at + 8)));
    at += b.readUInt32LE(at + 4);
  }
  return names;
}

/** DLL names a PE file imports, with `delayed` for those of the delay-import table (loaded by the
 *  first call into them, not when the file itself loads). */
function peImports(b) {
  const pe = b.readUInt32LE(0x3c);
  if (b.readUInt32LE(pe) !== 0x4550) throw new Error('no PE signature');
  const sections = b.readUInt16LE(pe + 6);
  const optional = pe + 24;
  const magic = b.readUInt16LE(optional);
  const directories = optional + (magic === 0x20b ? 112 : 96); // PE32+ or PE32
  const sectionTable = optional + b.readUInt16LE(pe + 20);
  const fileOffset = (rva) => {
    for (let i = 0; i < sections; i++) {
      const s = sectionTable + i * 40;
      const virtualAddress = b.readUInt32LE(s + 12);
      const size = Math.max(b.readUInt32LE(s + 8), b.readUInt32LE(s + 16));
      if (rva >= virtualAddress && rva < virtualAddress + size) return rva - virtualAddress + b.readUInt32LE(s + 20);
    }
    throw new Error(`RVA ${rva} is in no section`);
  };
  const names = [];
  // Data directory 1: import descriptors of 20 bytes, the name's RVA at +12.
  // Data directory 13: delay-import descriptors of 32 bytes, the name's RVA at +4.
  for (const [index, entrySize, nameAt, delayed] of [[1, 20, 12, false], [13, 32, 4, true]]) {
    const rva = b.readUInt32LE(directories + index * 8);
    if (!rva) continue;
    for (let at = fileOffset(rva); ; at += entrySize) {
      const nameRva = b.readUInt32LE(at + nameAt);
      if (!nameRva) break;
      names.push({ name: cString(b, fileOffset(nameRva)), delayed });
    }
  }
  return names;
}

function cString(b, at) {
  return b.toString('latin1', at, b.indexOf(0, at));
}

/**
 * The libraries a native binary loads when it is loaded, as file names: ELF needed entries,
 * Mach-O load commands without their `@rpath/` (or other) folder, PE imports without the delayed
 * ones. Delay-loaded DLLs (onnxruntime.dll's DirectML.dll) load only when something calls into
 * them, which the CPU execution provider, the only one the engine uses, never does.
 */
export function linkedLibraries(bytes) {
  const magic = bytes.readUInt32LE(0);
  if (magic === 0x464c457f) return elfNeeded(bytes);
  if (magic === 0xfeedfacf) return machoDylibs(bytes).map((name) => basename(name));
  if (bytes.readUInt16LE(0) === 0x5a4d) return peImports(bytes).filter((i) => !i.delayed).map((i) => i.name);
  throw new Error(`not an ELF, 64-bit Mach-O or PE file (magic 0x${magic.toString(16)})`);
}

/** The files of `dir` that loading `dir/entry` loads: `entry` and, transitively, every library it
 *  links that is in `dir` (file names compared case-insensitively, as Windows and macOS do). */
export function loadedFiles(dir, entry = 'onnxruntime_binding.node') {
  const present = new Map(readdirSync(dir).map((name) => [name.toLowerCase(), name]));
  const loaded = [entry];
  for (let i = 0; i < loaded.length; i++) {
    for (const name of linkedLibraries(readFileSync(join(dir, loaded[i])))) {
      const file = present.get(name.toLowerCase());
      if (file && !loaded.includes(file)) loaded.push(file);
    }
  }
  return loaded.sort();
}
