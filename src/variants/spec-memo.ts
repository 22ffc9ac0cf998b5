/**
 * Parsed specs, remembered: delivery sees the same option strings and variants over and over, and
 * parsing them is most of the work of serving a cached rendition. Specs are frozen, so sharing
 * them is safe. Failed parses are not remembered (they throw every time).
 */
import type { VariantRecord } from './model.js';
import { canonicalString, parseOptions, specFromNamedVariant } from './option-parser.js';
import type { TransformSpec } from '../render/spec.js';
import type { OptionSurface } from './option-table.js';

const MAX_OPTION_STRINGS = 10_000;

export interface ParsedOptions {
  spec: TransformSpec;
  canonical: string;
  onError?: 'redirect';
}

export class SpecMemo {
  private readonly optionStrings = new Map<string, ParsedOptions>();
  /** Variant records are replaced, never mutated, when a variant changes. */
  private readonly variants = new WeakMap<VariantRecord, TransformSpec>();

  /** One memo serves one surface (a transform's `onerror` is refused on variants). */
  constructor(private readonly surface: OptionSurface = 'variant') {}

  options(text: string): ParsedOptions {
    let parsed = this.optionStrings.get(text);
    if (!parsed) {
      const { spec, onError } = parseOptions(text, this.surface);
      parsed = onError ? { spec, canonical: canonicalString(spec), onError } : { spec, canonical: canonicalString(spec) };
      // Arbitrary strings from the internet: bounded, and simply started over when full.
      if (this.optionStrings.size >= MAX_OPTION_STRINGS) this.optionStrings.clear();
      this.optionStrings.set(text, parsed);
    }
    return parsed;
  }

  variant(record: VariantRecord): TransformSpec {
    let spec = this.variants.get(record);
    if (!spec) {
      spec = specFromNamedVariant(record.options);
      this.variants.set(record, spec);
    }
    return spec;
  }
}
