/** A select of recent images, for previews and URL generators. */
import { useEffect, useState } from 'preact/hooks';
import type { Image } from '../api';
import { useSession } from '../session';

export function useRecentImages(): Image[] {
  const session = useSession();
  const [images, setImages] = useState<Image[]>([]);
  useEffect(() => {
    session.api.listImages({ perPage: 50, sortOrder: 'desc' }).then((page) => setImages(page.images), () => setImages([]));
  }, []);
  return images;
}

export function ImagePicker(props: { id: string; label: string; images: Image[]; value: string; onChange(id: string): void }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        {props.images.length === 0 ? <option value="">No images yet</option> : null}
        {props.images.map((image) => (
          <option key={image.id} value={image.id}>
            {image.filename ? `${image.filename} (${image.id})` : image.id}
          </option>
        ))}
      </select>
    </div>
  );
}
