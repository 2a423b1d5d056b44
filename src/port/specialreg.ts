// The CPUID leaves and MSRs of the amd64 special registers the port reads.
/* Source: OpenBSD sys/arch/amd64/include/specialreg.h. */

export const CPUID_AMD_SEV_CAP = 0x8000001f;
export const CPUID_AMD_SVM_CAP = 0x8000000a;

export const MSR_EFER = 0xc0000080n;
export const EFER_SVME = 0x00001000n; /* SVM enable */
export const MSR_CR_PAT = 0x277n;
