// The errno values the port returns.
/* Source: OpenBSD sys/sys/errno.h. */

export const EPERM = 1; /* Operation not permitted */
export const ENOENT = 2; /* No such file or directory */
export const ENOMEM = 12; /* Cannot allocate memory */
export const EFAULT = 14; /* Bad address */
export const EINVAL = 22; /* Invalid argument */
export const EAGAIN = 35; /* Resource temporarily unavailable */
