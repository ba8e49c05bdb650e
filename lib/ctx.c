/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/provider.h>

#include "config.h"
#include "ctx.h"
#include "diag.h"
#include "digest_table.h"

const char *imactl_version(void)
{
	return IMACTL_VERSION;
}

int imactl_ctx_new(imactl_ctx **ret_ctx, imactl_diag *reterr)
{
	imactl_ctx *c = calloc(1, sizeof(*c));

	if (!c)
		return diag_fail(reterr, -ENOMEM, "out of memory");
	pthread_mutex_init(&c->lock, NULL);
	*ret_ctx = c;
	return 0;
}

void imactl_ctx_free(imactl_ctx *ctx)
{
	if (!ctx)
		return;
	for (size_t i = 0; i < IMACTL_HASH__MAX; i++)
		EVP_MD_free(ctx->md[i]);
	for (size_t i = 0; i < ctx->n_providers; i++)
		OSSL_PROVIDER_unload(ctx->providers[i]);
	pthread_mutex_destroy(&ctx->lock);
	free(ctx->propq);
	free(ctx);
}

int imactl_ctx_load_provider(imactl_ctx *ctx, const char *name, imactl_diag *reterr)
{
	OSSL_PROVIDER *p;

	if (ctx->n_providers >= CTX_MAX_PROVIDERS)
		return diag_fail(reterr, -EMSGSIZE, "too many providers");
	/* Loading any provider explicitly disables the implicit default one. */
	if (ctx->n_providers == 0 && strcmp(name, "default") != 0) {
		OSSL_PROVIDER *d = OSSL_PROVIDER_load(ctx->libctx, "default");
		if (d)
			ctx->providers[ctx->n_providers++] = d;
	}
	p = OSSL_PROVIDER_load(ctx->libctx, name);
	if (!p)
		return diag_fail_ossl(reterr, -EOPNOTSUPP, "cannot load OpenSSL provider '%s'",
				      name);
	ctx->providers[ctx->n_providers++] = p;
	/* A new provider may bring digests that failed to fetch before. */
	pthread_mutex_lock(&ctx->lock);
	memset(ctx->md_tried, 0, sizeof(ctx->md_tried));
	pthread_mutex_unlock(&ctx->lock);
	return 0;
}

const EVP_MD *ctx_md(imactl_ctx *ctx, int algo)
{
	const EVP_MD *md;

	if (algo < 0 || algo >= IMACTL_HASH__MAX || !hash_table[algo].ossl)
		return NULL;
	pthread_mutex_lock(&ctx->lock);
	if (!ctx->md[algo] && !ctx->md_tried[algo]) {
		ctx->md[algo] = EVP_MD_fetch(ctx->libctx, hash_table[algo].ossl, ctx->propq);
		ctx->md_tried[algo] = 1;
		if (!ctx->md[algo])
			diag_ossl_drain();
	}
	md = ctx->md[algo];
	pthread_mutex_unlock(&ctx->lock);
	return md;
}
