/**
 * What a sanitized SVG may contain: drawing, text, paint servers, filters and declarative
 * animation. Everything else (script, foreignObject, HTML, editor namespaces) is dropped with its
 * content. Hyperlinks (`a`) are unwrapped: their content stays, the link goes.
 */

const words = (text: string) => new Set(text.trim().split(/\s+/));

export const allowedElements = words(`
  svg g defs symbol use switch title desc view
  path rect circle ellipse line polyline polygon image
  text tspan textPath
  linearGradient radialGradient stop pattern clipPath mask marker style
  filter feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix feDiffuseLighting
  feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB feFuncG feFuncR
  feGaussianBlur feImage feMerge feMergeNode feMorphology feOffset fePointLight
  feSpecularLighting feSpotLight feTile feTurbulence
  animate animateMotion animateTransform set mpath
`);

export const unwrappedElements = words('a');

/** Elements whose `href` may hold an embedded raster image (data:image/...). */
export const embedsImages = words('image feImage');

export const animationElements = words('animate animateMotion animateTransform set');

export const allowedAttributes = words(`
  id class style lang tabindex role xml:space xml:lang href xlink:href
  alignment-baseline baseline-shift clip clip-path clip-rule color color-interpolation
  color-interpolation-filters color-rendering cursor direction display dominant-baseline fill
  fill-opacity fill-rule filter flood-color flood-opacity font font-family font-size font-size-adjust
  font-stretch font-style font-variant font-weight glyph-orientation-horizontal
  glyph-orientation-vertical image-rendering isolation kerning letter-spacing lighting-color marker
  marker-end marker-mid marker-start mask mask-type mix-blend-mode opacity overflow paint-order
  pointer-events shape-rendering stop-color stop-opacity stroke stroke-dasharray stroke-dashoffset
  stroke-linecap stroke-linejoin stroke-miterlimit stroke-opacity stroke-width text-anchor
  text-decoration text-rendering transform transform-origin unicode-bidi vector-effect visibility
  white-space word-spacing writing-mode
  x y x1 y1 x2 y2 cx cy r rx ry fx fy fr width height d points pathLength viewBox
  preserveAspectRatio version baseProfile zoomAndPan dx dy rotate textLength lengthAdjust
  startOffset method spacing side offset gradientUnits gradientTransform spreadMethod patternUnits
  patternContentUnits patternTransform clipPathUnits maskUnits maskContentUnits markerUnits
  markerWidth markerHeight refX refY orient filterUnits primitiveUnits
  in in2 result stdDeviation edgeMode mode operator k1 k2 k3 k4 type values tableValues slope
  intercept amplitude exponent order kernelMatrix divisor bias targetX targetY preserveAlpha
  kernelUnitLength surfaceScale diffuseConstant specularConstant specularExponent scale
  xChannelSelector yChannelSelector azimuth elevation z pointsAtX pointsAtY pointsAtZ
  limitingConeAngle baseFrequency numOctaves seed stitchTiles radius
  requiredFeatures requiredExtensions systemLanguage
  attributeName attributeType begin dur end min max restart repeatCount repeatDur calcMode
  keyTimes keySplines from to by additive accumulate path keyPoints origin
`);

/** Author-defined attributes with no behavior. */
export const allowedAttributePattern = /^(?:data|aria)-[a-z0-9-]+$/;

/** Attributes animation elements may target: drawing attributes, never links, handlers or CSS. */
export const animatableAttributes = new Set(
  [...allowedAttributes].filter((name) => !['id', 'class', 'style', 'href', 'xlink:href', 'attributeName', 'attributeType'].includes(name)),
);

const EMBEDDED_IMAGE = /^data:image\/(?:png|jpeg|gif|webp|avif);base64,[A-Za-z0-9+/=\s]*$/i;

/** A raster image carried in the document itself (never SVG: it could carry its own references). */
export const isEmbeddedImage = (value: string): boolean => EMBEDDED_IMAGE.test(value.trim());
