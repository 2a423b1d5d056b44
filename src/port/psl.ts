// The rflags bits the port reads.
/* Source: OpenBSD sys/arch/amd64/include/psl.h. */

export const PSL_T = 0x00000100n; /* trace enable bit */
