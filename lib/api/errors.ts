import type { ActionResult } from "../actions/errors";
import { DomainError, type DomainErrorCode, type FieldErrors } from "../errors";

export const API_ERROR_CODES = [
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "METHOD_NOT_ALLOWED",
  "CONFLICT",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "VALIDATION",
  "RATE_LIMITED",
  "INTERNAL",
  "DATABASE_UNAVAILABLE",
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export const API_ERROR_STATUS: Record<ApiErrorCode, number> = {
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  VALIDATION: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  DATABASE_UNAVAILABLE: 503,
};

/** Seconds a client is told to wait (Retry-After) before repeating a call the database could not take. */
export const DATABASE_RETRY_AFTER_S = 5;

export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string; details?: Record<string, unknown> };
}

/** An expected refusal of an API request; the route wrapper turns it into the one error shape. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const FROM_DOMAIN: Record<DomainErrorCode, ApiErrorCode> = {
  VALIDATION: "VALIDATION",
  UNAUTHENTICATED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  RATE_LIMITED: "RATE_LIMITED",
  // Console sessions only; the API authenticates with keys and never asks for one.
  STEP_UP_REQUIRED: "FORBIDDEN",
  // A console session's refusal; the API authenticates by key and never meets it.
  TWO_FACTOR_REQUIRED: "FORBIDDEN",
  UNAVAILABLE: "DATABASE_UNAVAILABLE",
  INTERNAL: "INTERNAL",
};

// Responses are never cached: they carry key state that changes with every mutation.
const NO_STORE = { "cache-control": "no-store" };

const JSON_UTF8 = { "content-type": "application/json; charset=utf-8" };

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { ...JSON_UTF8, ...NO_STORE, ...headers } });
}

export function errorResponse(
  code: ApiErrorCode,
  message: string,
  details?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Response {
  // INTERNAL never carries details: they could quote input or internals.
  const body: ApiErrorBody = { error: { code, message, ...(details && code !== "INTERNAL" ? { details } : {}) } };
  const retry: Record<string, string> = code === "DATABASE_UNAVAILABLE" ? { "retry-after": String(DATABASE_RETRY_AFTER_S) } : {};
  return jsonResponse(body, API_ERROR_STATUS[code], { ...retry, ...headers });
}

export function apiErrorFromAction(code: DomainErrorCode, message: string, fieldErrors?: FieldErrors): ApiError {
  return new ApiError(FROM_DOMAIN[code], message, fieldErrors && Object.keys(fieldErrors).length > 0 ? fieldErrors : undefined);
}

/** A service's refusal thrown outside runAction, in the API's shape. */
export function apiErrorFromDomain(error: DomainError): ApiError {
  return apiErrorFromAction(error.code, error.message, error.fieldErrors);
}

/** A service result as an HTTP response: the data with `status`, or the mapped error. */
export function replyWith<T>(result: ActionResult<T>, status = 200, shape: (data: T) => unknown = (data) => data): Response {
  if (result.ok) return jsonResponse(shape(result.data), status);
  const error = apiErrorFromAction(result.code, result.error, result.fieldErrors);
  return errorResponse(error.code, error.message, error.details);
}
