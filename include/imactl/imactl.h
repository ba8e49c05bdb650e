/* SPDX-License-Identifier: MIT */
/* libimactl umbrella header and library context. */
#ifndef IMACTL_IMACTL_H
#define IMACTL_IMACTL_H

#include "imactl/error.h"
#include "imactl/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A library context replaces global state: it holds the OpenSSL library
 * context and property query, loaded providers and cached algorithm objects.
 * One context may be shared by threads once set up (providers loaded).
 */

/**
 * imactl_ctx_new() - create a context on OpenSSL's default library context.
 * @ret_ctx: receives the new context (owned; free with imactl_ctx_free()).
 * @reterr: optional diagnostic.
 *
 * Returns 0 or -ENOMEM.
 */
int imactl_ctx_new(imactl_ctx **ret_ctx, imactl_diag *reterr);

/** imactl_ctx_free() - free a context; NULL is a no-op. */
void imactl_ctx_free(imactl_ctx *ctx);

/**
 * imactl_ctx_load_provider() - load an OpenSSL provider by name ("pkcs11",
 * "gost", "legacy" ...) into the context, keeping "default" available.
 *
 * Returns 0, or -EOPNOTSUPP when the provider cannot be loaded.
 */
int imactl_ctx_load_provider(imactl_ctx *ctx, const char *name, imactl_diag *reterr);

/** imactl_version() - the library version string. */
const char *imactl_version(void);

#ifdef __cplusplus
}
#endif

#include "imactl/digest.h"
#include "imactl/xattr.h"
#include "imactl/key.h"
#include "imactl/sig.h"
#include "imactl/ima.h"
#include "imactl/secret.h"
#include "imactl/walk.h"
#include "imactl/evm.h"

#endif
