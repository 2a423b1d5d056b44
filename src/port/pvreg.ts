// The paravirtual clock MSRs and layouts vmm(4) emulates for its guests.
/* Source: OpenBSD sys/dev/pv/pvreg.h. */

export const KVM_MSR_WALL_CLOCK = 0x4b564d00n;
export const KVM_MSR_SYSTEM_TIME = 0x4b564d01n;
export const PVCLOCK_FLAG_TSC_STABLE = 0x01;
export const PVCLOCK_SYSTEM_TIME_ENABLE = 0x01n;
/** sizeof(struct pvclock_time_info) (packed) */
export const SIZEOF_PVCLOCK_TIME_INFO = 32n;
/** sizeof(struct pvclock_wall_clock) (packed) */
export const SIZEOF_PVCLOCK_WALL_CLOCK = 12n;
