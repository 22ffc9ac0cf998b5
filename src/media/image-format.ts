/**
 * The image formats Pictor stores and serves, and their media types. Shared by the images domain
 * (sniffing uploads) and the render engine (labelling output) so that neither imports the other.
 */
export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'svg' | 'avif' | 'heic';

export const mimeOf: Record<ImageFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  avif: 'image/avif',
  heic: 'image/heic',
};
