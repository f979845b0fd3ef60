/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Reassembly of the real concatenated MOs of tests/fixtures/smpp (UDH
 * IEI 0x00, IEI 0x08 and SAR, written by node-smpp). A small local
 * parser finds each part's user data and its reference, total and
 * sequence (checked against expected.json); the parts go in in reverse
 * order and the joined octets must be the parts' user data in order.
 * Decoding the text is another module's business.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/reasm.h"

/* The one delivery each run expects, copied out of the callback. */
struct got {
	unsigned n;
	struct reasm_key key;
	enum reasm_why why;
	int incomplete;
	uint8_t data[1024];
	size_t len;
	struct reasm_piece piece[3];
	unsigned npieces;
};

static void
record(void *arg, const struct reasm_msg *m)
{
	struct got *g = arg;

	assert_int_equal(g->n++, 0);
	assert_true(m->len <= sizeof g->data && m->npieces <= 3);
	g->key = m->key;
	g->why = m->why;
	g->incomplete = m->incomplete;
	memcpy(g->data, m->data, m->len);
	g->len = m->len;
	memcpy(g->piece, m->piece, m->npieces * sizeof *m->piece);
	g->npieces = m->npieces;
}

struct fx {
	uint8_t pdu[1024];
	struct reasm_part p;
};

static size_t
load_hex(const char *name, uint8_t *out, size_t cap)
{
	const char *top = getenv("NV_TOP");
	char path[512], hex[2 * 1024 + 2];
	FILE *f;
	size_t n, i;

	snprintf(path, sizeof path, "%s/tests/fixtures/smpp/%s",
	    top != NULL && *top != '\0' ? top : ".", name);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(hex, 1, sizeof hex - 1, f);
	fclose(f);
	assert_true(n % 2 == 0 && n / 2 <= cap);
	for (i = 0; i < n / 2; i++) {
		unsigned v;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return n / 2;
}

/* Skips a C-octet string at *o; copies it into s (cap octets) if any. */
static void
cstr(const uint8_t *b, size_t n, size_t *o, char *s, size_t cap)
{
	size_t l = strnlen((const char *)b + *o, n - *o);

	assert_true(*o + l < n);
	if (s != NULL) {
		assert_true(l < cap);
		memcpy(s, b + *o, l + 1);
	}
	*o += l + 1;
}

/*
 * Just enough of deliver_sm (SMPP 3.4 §4.6.1) to find the user data
 * and its concatenation: UDH IEI 0x00 / 0x08, or the SAR TLVs.
 */
static void
parse_fixture(struct fx *x, size_t n)
{
	const uint8_t *b = x->pdu;
	size_t o = 16, smlen, sm;
	uint8_t esm;

	memset(&x->p, 0, sizeof x->p);
	cstr(b, n, &o, NULL, 0);			/* service_type */
	o += 2, cstr(b, n, &o, x->p.key.source, sizeof x->p.key.source);
	o += 2, cstr(b, n, &o, x->p.key.dest, sizeof x->p.key.dest);
	esm = b[o], o += 3;	/* esm_class, protocol_id, priority */
	cstr(b, n, &o, NULL, 0), cstr(b, n, &o, NULL, 0);
	o += 2, x->p.dcs = b[o], o += 2;
	smlen = b[o++], sm = o, o += smlen;
	assert_true(o <= n);
	x->p.data = b + sm, x->p.len = smlen;
	if (esm & 0x40) {
		size_t udhl = b[sm], i = sm + 1;

		assert_true(1 + udhl <= smlen);
		for (; i + 2 <= sm + 1 + udhl; i += 2 + b[i + 1]) {
			const uint8_t *v = b + i + 2;

			assert_true(i + 2 + b[i + 1] <= sm + 1 + udhl);
			if (b[i] == 0x00 && b[i + 1] == 3)
				x->p.key.ref = v[0], x->p.key.total = v[1],
				    x->p.seq = v[2];
			else if (b[i] == 0x08 && b[i + 1] == 4)
				x->p.key.ref = (uint16_t)(v[0] << 8 | v[1]),
				    x->p.key.ref16 = 1,
				    x->p.key.total = v[2], x->p.seq = v[3];
		}
		x->p.data += 1 + udhl, x->p.len -= 1 + udhl;
	}
	while (o + 4 <= n) {
		unsigned tag = (unsigned)b[o] << 8 | b[o + 1];
		size_t l = (size_t)b[o + 2] << 8 | b[o + 3];
		const uint8_t *v = b + o + 4;

		assert_true(o + 4 + l <= n);
		assert_false(esm & 0x40 && tag >= 0x020c && tag <= 0x020f);
		if (tag == 0x020c && l == 2)
			x->p.key.ref = (uint16_t)(v[0] << 8 | v[1]),
			    x->p.key.ref16 = 1;
		else if (tag == 0x020e && l == 1)
			x->p.key.total = v[0];
		else if (tag == 0x020f && l == 1)
			x->p.seq = v[0];
		o += 4 + l;
	}
	assert_int_equal(o, n);
}

/* The values the parser found must be those expected.json lists. */
static void
check_against_json(json_t *all, const char *name, const struct fx *x)
{
	json_t *d = json_object_get(json_object_get(json_object_get(all, name),
	    "decoded"), "udh"), *ie, *t;
	size_t i;

	if (d != NULL) {
		ie = json_array_get(json_object_get(d, "ies"), 0);
		assert_int_equal(json_integer_value(json_object_get(ie,
		    "concat_ref")), x->p.key.ref);
		assert_int_equal(json_integer_value(json_object_get(ie,
		    "total")), x->p.key.total);
		assert_int_equal(json_integer_value(json_object_get(ie,
		    "part")), x->p.seq);
		return;
	}
	d = json_object_get(json_object_get(json_object_get(all, name),
	    "decoded"), "tlvs");
	assert_true(json_array_size(d) >= 3);
	json_array_foreach(d, i, t) {
		const char *tn = json_string_value(json_object_get(t, "name"));
		json_int_t v = json_integer_value(json_object_get(t, "value"));

		if (strcmp(tn, "sar_msg_ref_num") == 0)
			assert_int_equal(v, x->p.key.ref);
		else if (strcmp(tn, "sar_total_segments") == 0)
			assert_int_equal(v, x->p.key.total);
		else if (strcmp(tn, "sar_segment_seqnum") == 0)
			assert_int_equal(v, x->p.seq);
	}
}

static void
test_fixtures(void **state)
{
	static const char *const set[] = {
		"udh8-gsm7", "udh16-ucs2", "sar-gsm7",
	};
	static const uint16_t ref[] = { 0x7a, 0x1a2b, 0x0201 };
	static const struct reasm_limits lim = { 16, 4, 1u << 16, 60000 };
	const char *top = getenv("NV_TOP");
	char path[512];
	json_t *all;
	unsigned f, i;

	(void)state;
	snprintf(path, sizeof path, "%s/tests/fixtures/smpp/expected.json",
	    top != NULL && *top != '\0' ? top : ".");
	all = json_load_file(path, 0, NULL);
	assert_non_null(all);
	for (f = 0; f < 3; f++) {
		struct fx x[3];
		struct got g = { 0 };
		struct reasm *r = reasm_new(&lim, record, &g);
		uint8_t want[1024];
		size_t wl = 0;

		for (i = 0; i < 3; i++) {
			char name[128];
			size_t n;

			snprintf(name, sizeof name,
			    "nodesmpp-deliver_sm-concat-%s-part%uof3.hex",
			    set[f], i + 1);
			n = load_hex(name, x[i].pdu, sizeof x[i].pdu);
			parse_fixture(&x[i], n);
			check_against_json(all, name, &x[i]);
			assert_int_equal(x[i].p.key.ref, ref[f]);
			assert_int_equal(x[i].p.key.total, 3);
			assert_int_equal(x[i].p.seq, i + 1);
			x[i].p.key.link = 7;
			memcpy(want + wl, x[i].p.data, x[i].p.len);
			wl += x[i].p.len;
		}
		for (i = 3; i-- > 0;)
			assert_int_equal(reasm_add(r, &x[i].p, 100 - i),
			    i > 0 ? REASM_ADDED : REASM_DELIVERED);
		assert_int_equal(g.n, 1);
		assert_int_equal(g.why, REASM_COMPLETE);
		assert_false(g.incomplete);
		assert_string_equal(g.key.source, x[0].p.key.source);
		assert_string_equal(g.key.dest, "36123");
		assert_int_equal(g.key.ref16, f > 0);
		assert_int_equal(g.npieces, 3);
		for (i = 0; i < 3; i++) {
			assert_int_equal(g.piece[i].seq, i + 1);
			assert_int_equal(g.piece[i].dcs, f == 1 ? 8 : 0);
			assert_int_equal(g.piece[i].len, x[i].p.len);
		}
		assert_int_equal(g.len, wl);
		assert_memory_equal(g.data, want, wl);
		assert_int_equal(reasm_pending(r), 0);
		reasm_free(r);
	}
	json_decref(all);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
	};

	/* prove reads TAP; an explicit CMOCKA_MESSAGE_OUTPUT still wins. */
	if (getenv("CMOCKA_MESSAGE_OUTPUT") == NULL)
		cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("reasm_fixtures", tests, NULL,
	    NULL) != 0;
}
