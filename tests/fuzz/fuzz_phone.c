/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target for routing/phone (make build/fuzz/fuzz_phone).
 *
 * Input: one octet for the TON (octet % 8 - 1: -1 to 6), one for the NPI
 * (octet % 20 - 1: -1 to 18), then the address (cut at its first NUL).
 * Properties: phone_normalise never crashes; when it says 0, out is "+"
 * then 8 to 15 digits, the kind is one of the enum, and normalising out
 * again, whatever TON it comes with, gives out and the same kind back
 * (one sender, one key); a carrier is only ever named for "+223"; when
 * it says -1, out is "". Seeds (tests/fuzz/corpus/fuzz_phone/seed-*)
 * were written by hand: the forms of tests/unit/test_phone.c, a
 * national number, a foreign one, a short code, an alphanumeric sender.
 * A violated property calls abort() so that libFuzzer keeps the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "routing/phone.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Longer than phone.cc reads (64), so the length limit is exercised. */
#define ADDR_FUZZ_MAX 96

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (phone_init() != 0)
		abort();
	return 0;
}

static void
check_e164(const char *out)
{
	size_t n = strlen(out);

	if (n < 1 + 8 || n > 1 + 15 || out[0] != '+')
		abort();
	for (size_t i = 1; i < n; i++)
		if (out[i] < '0' || out[i] > '9')
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int tons[] = { -1, 0, 1, 2, 4 };
	char addr[ADDR_FUZZ_MAX + 1];
	char out[PHONE_E164_MAX], again[PHONE_E164_MAX];
	enum phone_kind kind, k2;
	const char *carrier;
	int ton, npi;

	if (size < 2)
		return 0;
	ton = data[0] % 8 - 1;
	npi = data[1] % 20 - 1;
	size -= 2;
	if (size > ADDR_FUZZ_MAX)
		size = ADDR_FUZZ_MAX;
	memcpy(addr, data + 2, size);
	addr[size] = '\0';

	if (phone_normalise(addr, ton, npi, out, &kind) != 0) {
		if (out[0] != '\0')
			abort();
		return 0;
	}
	check_e164(out);
	if (kind > PHONE_FOREIGN)
		abort();
	carrier = phone_carrier(out);
	if (carrier != NULL && (strncmp(out, "+223", 4) != 0 ||
	    kind == PHONE_FOREIGN))
		abort();
	for (size_t t = 0; t < sizeof tons / sizeof tons[0]; t++) {
		if (phone_normalise(out, tons[t], 1, again, &k2) != 0 ||
		    strcmp(again, out) != 0 || k2 != kind)
			abort();
	}
	return 0;
}
