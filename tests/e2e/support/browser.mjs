// Debian's Chromium, headless, driven by playwright-core, with a fresh profile each time.
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

// preferences: written into the new profile before start, e.g. { enable_do_not_track: true }
// (Chromium's own setting, so the page sees navigator.doNotTrack === '1' as a user's would).
export async function launch({ preferences } = {}) {
  const profile = await mkdtemp(path.join(tmpdir(), 'internal-events-chromium-'));
  if (preferences) {
    await mkdir(path.join(profile, 'Default'));
    await writeFile(path.join(profile, 'Default/Preferences'), JSON.stringify(preferences));
  }
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ARGS,
  });
  return {
    context,
    async page(url) {
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error(`page error on ${page.url()}: ${error.message}`));
      if (url) {
        await page.goto(url);
        await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
      }
      return page;
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

// Every event the page sent to the receiver (fetch and sendBeacon alike), as the browser sent it.
export function recordEvents(page) {
  const events = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().includes('/usage_data/track_events')) {
      events.push(...JSON.parse(request.postData()).events);
    }
  });
  return events;
}
