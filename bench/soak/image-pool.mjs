// The soak's uploaded images. A few permanent ones carry the hot deliveries; the rest come and go.
// An image in use by a request is never chosen for deletion, so a PATCH or delivery racing a
// DELETE of the same image cannot turn into a false 404.

export class ImagePool {
  constructor({ permanent, max }) {
    this.permanent = permanent;
    this.max = max;
    this.ids = [];
    this.inUse = new Map();
  }

  add(id) {
    this.ids.push(id);
  }

  get size() {
    return this.ids.length;
  }

  /** A permanent image when `hot`, else any; held until `release`. */
  acquire(random, { hot = false } = {}) {
    const span = hot ? Math.min(this.permanent, this.ids.length) : this.ids.length;
    const id = this.ids[Math.floor(random() * span)];
    this.inUse.set(id, (this.inUse.get(id) ?? 0) + 1);
    return id;
  }

  release(id) {
    const left = (this.inUse.get(id) ?? 1) - 1;
    if (left > 0) this.inUse.set(id, left);
    else this.inUse.delete(id);
  }

  /** The oldest image that is neither permanent nor in use, taken out of the pool; once past `max`. */
  takeForDeletion() {
    if (this.ids.length <= this.max) return undefined;
    const index = this.ids.findIndex((id, i) => i >= this.permanent && !this.inUse.has(id));
    return index < 0 ? undefined : this.ids.splice(index, 1)[0];
  }
}
