/**
 * The grid's list as pages and uploads arrive. An upload is shown at once, and a page requested
 * before it finished may hold it too (the server listed it after committing it, its answer came
 * later): each image is shown once. (No imports: the server's test suite compiles this file too.)
 */
interface Listed {
  id: string;
}

/** A page of the list appended, without the images already shown. */
export function withPage<T extends Listed>(shown: T[], page: T[]): T[] {
  const ids = new Set(shown.map((image) => image.id));
  return [...shown, ...page.filter((image) => !ids.has(image.id))];
}

/** A new upload first, and nowhere else. */
export function withUpload<T extends Listed>(shown: T[], uploaded: T): T[] {
  return [uploaded, ...shown.filter((image) => image.id !== uploaded.id)];
}
