// The errno values the reference model returns, as OpenBSD's sys/errno.h numbers them.

/** EINVAL, "Invalid argument" (OpenBSD sys/errno.h: 22). */
export const EINVAL = 22;

/** ENOMEM, "Cannot allocate memory" (OpenBSD sys/errno.h: 12). */
export const ENOMEM = 12;
