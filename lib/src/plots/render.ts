/*
 * Headless rendering of Plotly figures to PNG/SVG with Debian's Chromium through playwright-core
 * (docs/stack.md §6). One browser and one page are reused per process: launching costs ~0.2 s and
 * loading the 10 MB plotly bundle ~2 s, after which a figure takes ~0.1–0.3 s.
 */

import * as fs from 'fs';
import type { Figure } from './figure';
import { compactPng } from './compactPng';

type Browser = { newPage(): Promise<Page>; close(): Promise<void> };
type Page = {
  setContent(html: string): Promise<void>;
  addScriptTag(opts: { path: string }): Promise<unknown>;
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
};

let session: Promise<{ browser: Browser; page: Page }> | null = null;

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** The Chromium executable used for rendering (MEMGEO_CHROMIUM overrides), or null when none is installed. */
export function chromiumPath(): string | null {
  const fromEnv = process.env.MEMGEO_CHROMIUM;
  if (fromEnv) return fs.existsSync(fromEnv) ? fromEnv : null;
  return CANDIDATES.find((p) => fs.existsSync(p)) ?? null;
}

/** Whether PNG/SVG rendering is possible here (a Chromium is installed). */
export function canRenderImages(): boolean {
  return chromiumPath() !== null;
}

async function open(): Promise<{ browser: Browser; page: Page }> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error("renderFigure: no Chromium found (install Debian's 'chromium' or set MEMGEO_CHROMIUM)");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { chromium } = require('playwright-core') as { chromium: { launch(o: object): Promise<Browser> } };
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--disable-dev-shm-usage',
    ],
  });
  const page = await browser.newPage();
  await page.setContent('<html><body><div id="fig"></div></body></html>');
  await page.addScriptTag({ path: require.resolve('plotly.js-dist') });
  return { browser, page };
}

/**
 * Render a figure to PNG (a Buffer) or SVG (a string). The figure's layout width/height set the
 * image size; `scale` multiplies the PNG resolution.
 */
export async function renderFigure(fig: Figure, format: 'png', opts?: { scale?: number }): Promise<Buffer>;
export async function renderFigure(fig: Figure, format: 'svg', opts?: { scale?: number }): Promise<string>;
export async function renderFigure(fig: Figure, format: 'png' | 'svg', opts: { scale?: number } = {}): Promise<Buffer | string> {
  if (!session) session = open();
  let page: Page;
  try {
    ({ page } = await session);
  } catch (err) {
    session = null;
    throw err;
  }
  const width = Number(fig.layout.width ?? 900);
  const height = Number(fig.layout.height ?? 420);
  const url = await page.evaluate(
    async (arg: { fig: Figure; format: string; width: number; height: number; scale: number }) => {
      const P = (globalThis as unknown as { Plotly: any }).Plotly;
      const el = (globalThis as unknown as { document: any }).document.getElementById('fig');
      await P.newPlot(el, arg.fig.data, arg.fig.layout, { staticPlot: true });
      const out = await P.toImage(el, { format: arg.format, width: arg.width, height: arg.height, scale: arg.scale });
      P.purge(el);
      return out as string;
    },
    { fig, format, width, height, scale: opts.scale ?? 1 },
  );
  if (format === 'png') return compactPng(Buffer.from(url.slice(url.indexOf(',') + 1), 'base64'));
  const comma = url.indexOf(',');
  const head = url.slice(0, comma);
  const body = url.slice(comma + 1);
  return head.includes('base64') ? Buffer.from(body, 'base64').toString('utf8') : decodeURIComponent(body);
}

/** Close the shared browser (call at the end of a script so the process can exit). */
export async function closeRenderer(): Promise<void> {
  if (!session) return;
  const s = session;
  session = null;
  try {
    (await s).browser.close();
  } catch {
    // nothing to close
  }
}
