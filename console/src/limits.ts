/**
 * Input limits the admin forms check before sending, copied from the server's schemas
 * (`server/src/org/schemas.ts`). When `shared/limits.ts` exists (STYLE: "the Ant Design
 * form and the API refuse the same input"), import them from there instead.
 */
export const limits = {
  idMax: 64,
  nameMax: 200,
  usernameMax: 64,
  displayNameMax: 200,
  passwordMin: 8,
  passwordMax: 256,
  usernameMin: 2,
  /** Region and department codes: letters, digits, `_ . : -`; starting with a letter or digit. */
  codePattern: /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/,
  /** Usernames: letters, digits, `_ . @ -`; starting with a letter or digit. */
  usernamePattern: /^[A-Za-z0-9][A-Za-z0-9_.@-]*$/,
} as const;
