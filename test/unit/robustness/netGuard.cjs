// Test-only network guard: records, and refuses, every attempt to open a connection or resolve a
// name through Node's entry points (net, tls, http, https, dns, dgram, fetch). `install(report)`
// guards the calling thread. Preloaded with `--require` and RECURRENT_NET_GUARD_LOG set, it guards
// the process, and through inherited execArgv its worker threads and forked children, appending
// one JSON line per event to that file. Never part of the extension.
'use strict';
const fs = require('node:fs');
const { isMainThread, threadId } = require('node:worker_threads');

/** What a connection call was aimed at, for the report. */
function target(args) {
  const a = args[0];
  if (typeof a === 'string' || typeof a === 'number') return `${a}${typeof args[1] === 'string' ? ` ${args[1]}` : ''}`;
  if (a instanceof URL) return a.href;
  if (a && typeof a === 'object') return JSON.stringify({ host: a.host ?? a.hostname, port: a.port, path: a.path, href: a.href });
  return String(a);
}

/** Replaces the network entry points with ones that report and throw; returns the undo. */
function install(report) {
  const modules = { net: require('node:net'), tls: require('node:tls'), http: require('node:http'), https: require('node:https'), dns: require('node:dns'), dgram: require('node:dgram') };
  const undo = [];
  const patch = (owner, name, label) => {
    const original = owner[name];
    if (typeof original !== 'function') return;
    owner[name] = function guarded(...args) {
      report(label, target(args));
      throw Object.assign(new Error(`network access blocked by the test guard: ${label}`), { code: 'ERR_NETWORK_GUARD' });
    };
    undo.push(() => (owner[name] = original));
  };
  patch(modules.net.Socket.prototype, 'connect', 'net.Socket#connect');
  patch(modules.net, 'connect', 'net.connect');
  patch(modules.net, 'createConnection', 'net.createConnection');
  patch(modules.tls, 'connect', 'tls.connect');
  for (const m of ['http', 'https']) {
    patch(modules[m], 'request', `${m}.request`);
    patch(modules[m], 'get', `${m}.get`);
  }
  for (const name of ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'reverse']) patch(modules.dns, name, `dns.${name}`);
  for (const name of ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'reverse']) patch(modules.dns.promises, name, `dns.promises.${name}`);
  patch(modules.dgram.Socket.prototype, 'send', 'dgram.Socket#send');
  patch(modules.dgram.Socket.prototype, 'connect', 'dgram.Socket#connect');
  patch(globalThis, 'fetch', 'fetch');
  return () => undo.splice(0).reverse().forEach((f) => f());
}

module.exports = { install };

const log = process.env.RECURRENT_NET_GUARD_LOG;
if (log) {
  const where = { pid: process.pid, thread: isMainThread ? 'main' : `worker ${threadId}`, script: process.argv[1] ?? '' };
  const write = (event) => fs.appendFileSync(log, `${JSON.stringify({ ...where, ...event })}\n`);
  install((api, to) => write({ event: 'attempt', api, to }));
  write({ event: 'installed' });
}
