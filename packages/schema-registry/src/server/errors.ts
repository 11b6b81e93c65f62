/** The registry's REST errors: HTTP status plus Confluent's `error_code` and message wording. */
export class RestError extends Error {
  override name = 'RestError';
  constructor(
    readonly status: number,
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }

  toBody(): { error_code: number; message: string } {
    return { error_code: this.errorCode, message: this.message };
  }
}

export const Errors = {
  subjectNotFound: (subject: string) => new RestError(404, 40401, `Subject '${subject}' not found.`),
  versionNotFound: (version: number | string) => new RestError(404, 40402, `Version ${version} not found.`),
  schemaNotFound: (id?: number) =>
    new RestError(404, 40403, id === undefined ? 'Schema not found' : `Schema ${id} not found`),
  subjectSoftDeleted: (subject: string) =>
    new RestError(
      404,
      40404,
      `Subject '${subject}' was soft deleted.Set permanent=true to delete permanently`,
    ),
  subjectNotSoftDeleted: (subject: string) =>
    new RestError(404, 40405, `Subject '${subject}' was not deleted first before being permanently deleted`),
  versionSoftDeleted: (subject: string, version: number) =>
    new RestError(
      404,
      40406,
      `Subject '${subject}' Version ${version} was soft deleted.Set permanent=true to delete permanently`,
    ),
  versionNotSoftDeleted: (subject: string, version: number) =>
    new RestError(
      404,
      40407,
      `Subject '${subject}' Version ${version} was not deleted first before being permanently deleted`,
    ),
  subjectLevelCompatibilityNotConfigured: (subject: string) =>
    new RestError(404, 40408, `Subject '${subject}' does not have subject-level compatibility configured`),
  subjectLevelModeNotConfigured: (subject: string) =>
    new RestError(404, 40409, `Subject '${subject}' does not have subject-level mode configured`),
  incompatibleSchema: (code: number, message: string) => new RestError(409, code, message),
  invalidSchema: (message: string) => new RestError(422, 42201, message),
  invalidVersion: (version: string) =>
    new RestError(
      422,
      42202,
      `The specified version '${version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`,
    ),
  invalidCompatibilityLevel: () =>
    new RestError(
      422,
      42203,
      'Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive',
    ),
  invalidMode: () =>
    new RestError(
      422,
      42204,
      'Invalid mode. Valid values are READWRITE, READONLY, READONLY_OVERRIDE, IMPORT and FORWARD.',
    ),
  operationNotPermitted: (message: string) => new RestError(422, 42205, message),
  referenceExists: (what: string) =>
    new RestError(422, 42206, `One or more references exist to the schema ${what}.`),
  idDoesNotMatch: (message: string) => new RestError(422, 42207, message),
  invalidSubject: (subject: string) =>
    new RestError(422, 42208, `The specified subject '${subject}' is not a valid.`),
  schemaTooLarge: (message: string) => new RestError(422, 42209, message),
  contextNotEmpty: (context: string) =>
    new RestError(422, 42211, `The specified context '${context}' is not empty.`),
  storeError: (message: string) => new RestError(500, 50001, message),
  operationTimeout: (message: string) => new RestError(500, 50002, message),
  forwardingFailed: (message: string) => new RestError(500, 50003, message),
  unknownLeader: () =>
    new RestError(500, 50004, 'Unknown leader: no schema registry leader is elected yet; retry shortly'),
  // Framework-level errors, worded as Jersey's and with the HTTP status as error_code, as Confluent answers them.
  notFound: () => new RestError(404, 404, 'HTTP 404 Not Found'),
  methodNotAllowed: () => new RestError(405, 405, 'HTTP 405 Method Not Allowed'),
  notAcceptable: () => new RestError(406, 406, 'HTTP 406 Not Acceptable'),
  unsupportedMediaType: () => new RestError(415, 415, 'HTTP 415 Unsupported Media Type'),
  badRequest: (message: string) => new RestError(400, 400, message),
  unprocessable: (message: string) => new RestError(422, 422, message),
  payloadTooLarge: (limit: number) =>
    new RestError(
      413,
      413,
      `Request body larger than ${limit} bytes; raise --max-body-bytes if this is intended`,
    ),
  unauthorized: () => new RestError(401, 401, 'Unauthorized'),
};
