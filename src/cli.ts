#!/usr/bin/env node
// The `recurrent` command line: the same engine as the extension, headless.
const usage = `usage: recurrent <train|eval|complete|simulate|bench> [options] PATH…`;

function main(argv: string[]): number {
  const [command] = argv;
  if (!command || command === '--help' || command === '-h') {
    process.stdout.write(usage + '\n');
    return command ? 0 : 2;
  }
  process.stderr.write(`recurrent: unknown command '${command}'\n${usage}\n`);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
