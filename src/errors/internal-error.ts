/** A bug in mkb ("this should never happen"). Expected failures are `Failure` values, never exceptions. */
export class InternalError extends Error {
  override readonly name = 'InternalError';
}
