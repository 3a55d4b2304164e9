// Headless Chromium for the code-server workbench, driven by playwright-core. Uses the system
// Chromium (Debian's `chromium`, or CHROMIUM_PATH): playwright's own browser download is offline here.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { findChromium } from './systemPackages.mjs';

/** Flags that keep a headless Chromium quiet, offline and runnable as root in a container. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The Chromium executable to drive; throws with the install hint if there is none. */
export function chromiumPath() {
  const path = findChromium();
  if (!path || !existsSync(path)) throw new Error('no Chromium found: apt-get install chromium (or set CHROMIUM_PATH)');
  return path;
}

/** The environment for Chromium: HOME and XDG folders under `home`, so nothing touches the user's. */
export function browserEnv(home) {
  const env = { ...process.env, HOME: home };
  for (const [key, sub] of [['XDG_CONFIG_HOME', '.config'], ['XDG_DATA_HOME', '.local/share'], ['XDG_CACHE_HOME', '.cache']]) {
    env[key] = join(home, sub);
    mkdirSync(env[key], { recursive: true });
  }
  return env;
}

/** Launches Chromium with a profile under `home`; returns playwright's persistent context. */
export async function launchChromium(home, { viewport = { width: 1280, height: 800 } } = {}) {
  return chromium.launchPersistentContext(join(home, 'profile'), {
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_ARGS,
    env: browserEnv(home),
    viewport,
  });
}

/** Launches a Chromium that other processes attach to with `chromium.connect(wsEndpoint)`. */
export async function launchChromiumServer(home) {
  return chromium.launchServer({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS, env: browserEnv(home) });
}
