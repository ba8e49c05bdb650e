/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: security.ima / security.evm values.  Every input goes through
 * imactl_xattr_decode(); values that decode as signatures then go through
 * imactl_sig_verify() against a fixed keyring holding the TEST-ONLY
 * tests/data/keys/rsa2048.crt (key id 6b5fd8aa, also reachable by its v1
 * key id), so the verify path sees attacker-shaped headers too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imactl/imactl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* tests/data/keys/rsa2048.crt (test fixture, public certificate only). */
static const char fixture_cert[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIDKzCCAhOgAwIBAgIUXgR7+56M1fju/OD/g1tUyySpF0swDQYJKoZIhvcNAQEL\n"
	"BQAwJDEiMCAGA1UEAwwZaW1hY3RsIFRFU1QgT05MWSBSU0EtMjA0ODAgFw0yNjEx\n"
	"MjkwMjIwMzdaGA8yMTI2MTEwNTAyMjAzN1owJDEiMCAGA1UEAwwZaW1hY3RsIFRF\n"
	"U1QgT05MWSBSU0EtMjA0ODCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEB\n"
	"ALmA72iRfgdZtTNTZOOhtyOdjbZVb9oI7EI82YBxFi4BQQtPDsiZfi9Cp5EzijyQ\n"
	"qx3rBm+maLkM7DNTbHqwpWBUE7T0mG/0Zz0o/np1KEi/7dRCLcA+uEVExIjWB0My\n"
	"9nXQTrtlL5TkTH54GteCGOBafPBrevDbnjZBUxlX+TZ8usjdNIDGGeAnoCoCCRza\n"
	"skmzNV1WM+RBU4q48PI6fQDJPvTsyQOCn8sFlDCmQuS5rXHe9X+f4ZuptAC4LjT7\n"
	"s70/DtL9qf5PKyBCP2Z9/hv/lnVo/PnLJ9YKBVCoOnd1zxMHhTNsZjuQOfxE0MSh\n"
	"tp3yJsllq5R0WcTC8JJDfCcCAwEAAaNTMFEwHwYDVR0jBBgwFoAUfGtPHKHrI4ei\n"
	"kXR0lEbvQWtf2KowDwYDVR0TAQH/BAUwAwEB/zAdBgNVHQ4EFgQUfGtPHKHrI4ei\n"
	"kXR0lEbvQWtf2KowDQYJKoZIhvcNAQELBQADggEBAHTu1BOXWYZIa5m4ISybXUyJ\n"
	"gwDlcoFzD+dKaP7oSgPyxAOFPedoSkLl50KkJH2UEbZRdWkEdggF9CTr7K+shwsS\n"
	"0vM2m3LMyKC/QqLt9Ydes7vxx+39Y4JCDQr7lMxDwnzfyDhxrCcIaN69srds8tix\n"
	"/yl0QjtYaPo/ZzhXUb2WS9CErZwvNUvkRNoML79ckWjoXBDGxFb/6e75Wk5S4v+v\n"
	"hZWnkT9HZ+GRoz1zJGT+sJPEbLqynJzraDQjR8JXZajazktEPyw7hshPnK7VP2km\n"
	"qUX/gFz2IMcL6FO9a2aqGlQDC+CfgDm7hyhld+d6jLUg9FjC8bPHM3388fW9jOk=\n"
	"-----END CERTIFICATE-----\n";

static imactl_ctx *ctx;
static imactl_keyring *ring;

static void init(void)
{
	imactl_key *k = NULL;

	if (imactl_ctx_new(&ctx, NULL) < 0 || imactl_keyring_new(&ring) < 0 ||
	    imactl_key_load_public_mem(ctx, (const uint8_t *)fixture_cert, sizeof(fixture_cert) - 1,
				       &k, NULL) < 0 ||
	    imactl_keyring_add(ring, k) < 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	imactl_xattr_view v;
	imactl_diag d;
	uint8_t digest[IMACTL_MAX_DIGEST_SIZE];
	size_t dl;

	if (!ctx)
		init();
	memset(&d, 0, sizeof(d));
	if (imactl_xattr_decode(data, size, &v, &d) < 0) {
		/* A failure always explains itself. */
		if (d.code >= 0 || !d.msg[0])
			abort();
		return 0;
	}
	/* Borrowed pointers stay inside the input. */
	if (v.digest && (v.digest < data || v.digest + v.digest_len > data + size))
		abort();
	if (v.sig && (v.sig < data || v.sig + v.sig_len > data + size))
		abort();
	if (!v.sig)
		return 0;
	dl = imactl_hash_size(v.hash_algo);
	if (!dl)
		abort(); /* a decoded signature names a known algorithm */
	memset(digest, 0x5a, sizeof(digest));
	(void)imactl_sig_verify(ctx, ring, data, size, digest, dl, NULL, &d);
	return 0;
}
