/* SPDX-License-Identifier: MIT */
/*
 * Internal: tpm2-tss is loaded with dlopen() on first use.  Every imactl and
 * evmctl start would otherwise map five tss2 libraries (and the CLI is run per
 * file by `find -exec` scripts), while only the TPM commands need them.
 * Include after the tss2 headers; calls to the listed functions go through
 * the pointers, and tss2_ready() must succeed before the first call.
 */
#ifndef IMACTL_LIB_TSS2_DL_H
#define IMACTL_LIB_TSS2_DL_H

#include <dlfcn.h>
#include <pthread.h>

#define TSS2_FUNCS(X)                \
	X(Esys_Initialize)           \
	X(Esys_Finalize)             \
	X(Esys_Free)                 \
	X(Esys_SetTimeout)           \
	X(Esys_PCR_Read_Async)       \
	X(Esys_PCR_Read_Finish)      \
	X(Esys_PCR_Extend_Async)     \
	X(Esys_PCR_Extend_Finish)    \
	X(Esys_GetCapability_Async)  \
	X(Esys_GetCapability_Finish) \
	X(Esys_GetCapability)        \
	X(Tss2_TctiLdr_Initialize)   \
	X(Tss2_TctiLdr_Finalize)     \
	X(Tss2_RC_Decode)

static struct {
#define X(f) __typeof__(f) *f;
	TSS2_FUNCS(X)
#undef X
} tss2_fn;

static int tss2_loaded;
static pthread_once_t tss2_once = PTHREAD_ONCE_INIT;

static void tss2_load(void)
{
	static const char *const libs[] = {"libtss2-esys.so.0", "libtss2-tctildr.so.0",
					   "libtss2-rc.so.0"};
	void *h[3];
	int ok = 1;

	for (size_t i = 0; i < 3; i++) {
		h[i] = dlopen(libs[i], RTLD_NOW | RTLD_LOCAL);
		if (!h[i])
			return;
	}
#define X(f)                                           \
	{                                              \
		void *sym = NULL;                      \
		for (size_t i = 0; i < 3 && !sym; i++) \
			sym = dlsym(h[i], #f);         \
		*(void **)&tss2_fn.f = sym;            \
		ok &= sym != NULL;                     \
	}
	TSS2_FUNCS(X)
#undef X
	tss2_loaded = ok;
}

/* 0, or -EOPNOTSUPP with a diag when the tpm2-tss libraries cannot be loaded. */
static int tss2_ready(imactl_diag *reterr)
{
	pthread_once(&tss2_once, tss2_load);
	if (!tss2_loaded)
		return diag_fail(reterr, -EOPNOTSUPP,
				 "the tpm2-tss libraries (libtss2-esys.so.0, libtss2-tctildr.so.0, "
				 "libtss2-rc.so.0) cannot be loaded: install libtss2-esys-3.0.2-0 "
				 "and libtss2-tctildr0");
	return 0;
}

#define Esys_Initialize		  tss2_fn.Esys_Initialize
#define Esys_Finalize		  tss2_fn.Esys_Finalize
#define Esys_Free		  tss2_fn.Esys_Free
#define Esys_SetTimeout		  tss2_fn.Esys_SetTimeout
#define Esys_PCR_Read_Async	  tss2_fn.Esys_PCR_Read_Async
#define Esys_PCR_Read_Finish	  tss2_fn.Esys_PCR_Read_Finish
#define Esys_PCR_Extend_Async	  tss2_fn.Esys_PCR_Extend_Async
#define Esys_PCR_Extend_Finish	  tss2_fn.Esys_PCR_Extend_Finish
#define Esys_GetCapability_Async  tss2_fn.Esys_GetCapability_Async
#define Esys_GetCapability_Finish tss2_fn.Esys_GetCapability_Finish
#define Esys_GetCapability	  tss2_fn.Esys_GetCapability
#define Tss2_TctiLdr_Initialize	  tss2_fn.Tss2_TctiLdr_Initialize
#define Tss2_TctiLdr_Finalize	  tss2_fn.Tss2_TctiLdr_Finalize
#define Tss2_RC_Decode		  tss2_fn.Tss2_RC_Decode

#endif
