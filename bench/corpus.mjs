// Prepares the image corpus in bench/.work/corpus from real photographs: the wallpapers of the
// Debian package lomiri-wallpapers-20.04, fetched with `apt-get download` and unpacked with
// `dpkg-deb -x` (not installed), then derived with sharp. Nothing here is committed.
// Run alone with `node bench/corpus.mjs`.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { CORPUS_DIR, WORK_DIR } from './lib/paths.mjs';
import { runCommand } from './setup/run-command.mjs';

const WALLPAPER_PACKAGE = 'lomiri-wallpapers-20.04';
// "Kleiber" by Lukas Baubkus (CC-BY-SA-3.0): a nuthatch on bark, 6028×3391, lots of bokeh.
const PHOTO = 'Kleiber_by_Lukas_Baubkus.jpg';
const PHOTO_CREDIT = '"Kleiber" by Lukas Baubkus, CC-BY-SA-3.0, from Debian package lomiri-wallpapers-20.04';
// Bump when a derivation changes, so old corpora are rebuilt.
const CORPUS_VERSION = 1;
const MANIFEST = path.join(CORPUS_DIR, 'corpus.json');

async function extractWallpapers() {
  const debDir = path.join(WORK_DIR, 'debs');
  const unpacked = path.join(debDir, 'root');
  const backgrounds = path.join(unpacked, 'usr/share/backgrounds');
  if (existsSync(path.join(backgrounds, PHOTO))) return backgrounds;
  mkdirSync(debDir, { recursive: true });
  await runCommand('apt-get', ['download', WALLPAPER_PACKAGE], { cwd: debDir }).catch(async () => {
    await runCommand('apt-get', ['update', '-qq']);
    await runCommand('apt-get', ['download', WALLPAPER_PACKAGE], { cwd: debDir });
  });
  const deb = readdirSync(debDir).find((name) => name.startsWith(WALLPAPER_PACKAGE) && name.endsWith('.deb'));
  await runCommand('dpkg-deb', ['-x', path.join(debDir, deb), unpacked]);
  return backgrounds;
}

// A vector drawing, so the corpus has an SVG that is not a wrapped bitmap.
const SVG_LOGO = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480" viewBox="0 0 640 480">
  <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
    <stop offset="0" stop-color="#3b6ea8"/><stop offset="1" stop-color="#f2d7a6"/></linearGradient></defs>
  <rect width="640" height="480" fill="url(#sky)"/>
  <circle cx="470" cy="140" r="60" fill="#fff3c4"/>
  <path d="M0 380 Q160 300 320 370 T640 350 V480 H0 Z" fill="#2f5d3a"/>
  <path d="M210 250 q40 -40 90 -10 q-30 5 -40 30 z" fill="#444"/>
  <text x="320" y="450" font-family="sans-serif" font-size="36" text-anchor="middle" fill="#fff">Pictor bench</text>
</svg>\n`;

// Ellipse mask: its outside becomes transparent, with a soft edge, so the PNG has real alpha.
function ellipseMask(size) {
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}">
    <defs><radialGradient id="g"><stop offset="0.8" stop-color="#fff" stop-opacity="1"/>
    <stop offset="1" stop-color="#fff" stop-opacity="0"/></radialGradient></defs>
    <ellipse cx="${size / 2}" cy="${size / 2}" rx="${size / 2}" ry="${size / 2}" fill="url(#g)"/></svg>`);
}

async function panningFrames(photo, { frames, width, height }) {
  const scaled = await sharp(photo).resize(1920).toBuffer({ resolveWithObject: true });
  const step = Math.floor((scaled.info.width - width) / (frames - 1));
  const top = Math.floor((scaled.info.height - height) / 2);
  return Promise.all(
    Array.from({ length: frames }, (_, i) => sharp(scaled.data).extract({ left: i * step, top, width, height }).png().toBuffer()),
  );
}

// Each derivation writes one corpus file; they are independent, so they run concurrently.
const DERIVATIONS = {
  // Same derivation as the anchor measurements: cover-resize to 2048×1365, q90, baseline 4:2:0.
  'photo-2k.jpg': (photo) => sharp(photo).resize(2048, 1365, { fit: 'cover' }).jpeg({ quality: 90 }),
  // 24 MP: the original is 6028×3391, so it is cover-resized (slightly upscaled) to 6000×4000.
  'photo-24mp.jpg': (photo) => sharp(photo).resize(6000, 4000, { fit: 'cover' }).jpeg({ quality: 90 }),
  // About 1 MB, the size of a typical phone-to-web upload (3600 px wide at q90 lands just over 1 MB).
  'upload-1mb.jpg': (photo) => sharp(photo).resize(3600).jpeg({ quality: 90 }),
  // PNG with alpha: the bird cut out with a soft ellipse.
  'alpha.png': (photo) =>
    sharp(photo)
      .extract({ left: 2000, top: 700, width: 1800, height: 1800 })
      .resize(1024, 1024)
      .ensureAlpha()
      .composite([{ input: ellipseMask(1024), blend: 'dest-in' }])
      .png(),
  // Animated GIF: 8 frames panning across the photo.
  'animated.gif': async (photo) =>
    sharp(await panningFrames(photo, { frames: 8, width: 480, height: 320 }), { join: { animated: true } }).gif({ delay: 150, loop: 0 }),
};

async function deriveCorpus(photo) {
  await Promise.all(Object.entries(DERIVATIONS).map(async ([name, derive]) => (await derive(photo)).toFile(path.join(CORPUS_DIR, name))));
  writeFileSync(path.join(CORPUS_DIR, 'logo.svg'), SVG_LOGO);
}

async function describe(name) {
  const file = path.join(CORPUS_DIR, name);
  const metadata = await sharp(file).metadata();
  return { file: name, format: metadata.format, width: metadata.width, height: metadata.pageHeight ?? metadata.height,
    pages: metadata.pages ?? 1, hasAlpha: metadata.hasAlpha, bytes: readFileSync(file).length };
}

/** Builds the corpus unless an up-to-date one exists. Returns its manifest. */
export async function prepareCorpus(log = console.log) {
  if (existsSync(MANIFEST)) {
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
    if (manifest.version === CORPUS_VERSION) return manifest;
  }
  log('preparing the image corpus');
  const backgrounds = await extractWallpapers();
  rmSync(CORPUS_DIR, { recursive: true, force: true });
  mkdirSync(CORPUS_DIR, { recursive: true });
  await deriveCorpus(path.join(backgrounds, PHOTO));
  const files = [...Object.keys(DERIVATIONS), 'logo.svg'];
  const manifest = { version: CORPUS_VERSION, credit: PHOTO_CREDIT, images: await Promise.all(files.map(describe)) };
  writeFileSync(MANIFEST, JSON.stringify(manifest, null, 2));
  return manifest;
}

export function corpusFile(name) {
  return path.join(CORPUS_DIR, name);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await prepareCorpus(), null, 2));
}
