/**
 * Fastify schema validation failures → one error that names the field, what it must be, and
 * points at it (`source.pointer`), as the domain's own validation errors do. ajv reports a bad
 * enum-like union (`asc | desc`) as one error per branch plus an `anyOf`; those become one list.
 */
import type { FastifySchemaValidationError } from 'fastify';
import { errors, type ImagesError } from '../errors.js';

function fieldPath(first: FastifySchemaValidationError): string[] {
  const path = first.instancePath.split('/').filter(Boolean);
  if (first.keyword === 'required') path.push(String(first.params.missingProperty));
  return path;
}

function requirement(first: FastifySchemaValidationError, all: FastifySchemaValidationError[]): string {
  if (first.keyword === 'required') return 'is required';
  const sameField = all.filter((e) => e.instancePath === first.instancePath);
  const allowed = sameField.flatMap((e) =>
    e.keyword === 'const' ? [e.params.allowedValue] : e.keyword === 'enum' ? (e.params.allowedValues as unknown[]) : [],
  );
  if (allowed.length) return `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
  return first.message ?? 'is invalid';
}

export function validationError(validation: FastifySchemaValidationError[], context: string | undefined): ImagesError {
  const first = validation[0]!;
  const path = fieldPath(first);
  const what = requirement(first, validation);
  // An empty path means the value as a whole is wrong (a JSON array where an object belongs).
  if (!path.length) return errors.badRequest(`Invalid request ${context ?? 'input'}: ${what}`);
  const where = context ? `${context} ` : '';
  return errors.badRequest(`Invalid ${where}parameter: ${path.join('.')} ${what}`, { pointer: `/${path.join('/')}` });
}
