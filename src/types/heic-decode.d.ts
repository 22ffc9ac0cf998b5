/** Types for heic-decode 2.x (the package ships none): HEIC bytes → RGBA pixels. */
declare module 'heic-decode' {
  interface DecodedHeic {
    width: number;
    height: number;
    /** RGBA, 4 bytes per pixel. */
    data: Uint8ClampedArray;
  }
  function decodeHeic(input: { buffer: Uint8Array }): Promise<DecodedHeic>;
  export default decodeHeic;
}
