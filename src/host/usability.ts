/** Whether this machine can really run something (a provider, an accelerator); when it cannot, why, in words a user can act on. */
export type Usability = { ok: true } | { ok: false; why: string };
