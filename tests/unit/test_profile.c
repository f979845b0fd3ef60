/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Carrier USSD profiles (gateway/profile.c): every op code of the three
 * dialects, the end bit, where the dialled string is, and the
 * hex-versus-decimal trap (domain/smpp-anchors.md §B.3): 0x11 is 17,
 * and a gateway or a profile that writes "11" means 0x0B, a reserved
 * value that must never be taken for the end of a dialogue.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "profile.h"

static const struct ussd_profile *
named(const char *name)
{
	int i = prof_find(name);

	assert_true(i >= 0);
	return prof_get((unsigned)i);
}

static struct smpp_tlvs
op(uint8_t code)
{
	struct smpp_tlvs t;

	memset(&t, 0, sizeof t);
	t.have = SMPP_HAVE_USSD_SERVICE_OP;
	t.ussd_service_op = code;
	return t;
}

static void
test_numbers(void **state)
{
	static const char *const names[] = { "its_session_info",
	    "user_message_reference", "sixdee" };

	(void)state;
	assert_int_equal(prof_count(), 3);
	assert_int_equal(prof_find("nowsms"), -1);
	for (unsigned i = 0; i < 3; i++) {
		const struct ussd_profile *p = named(names[i]);

		/* Written in hex in profile.c; checked here in decimal. */
		assert_int_equal(p->op_begin, 1);
		assert_int_equal(p->op_continue, 18);
		assert_int_equal(p->op_reply_continue, 2);
		assert_int_equal(p->op_reply_end, 17);
		assert_int_equal(p->dialled, PROF_DIALLED_TEXT);
	}
	assert_int_equal(named("its_session_info")->op_abort, 0);
	assert_int_equal(named("user_message_reference")->op_abort, 129);
	assert_int_equal(named("sixdee")->op_abort, 129);
	assert_int_equal(named("its_session_info")->end_bit, 1);
	assert_int_equal(named("user_message_reference")->end_bit, 0);
	assert_int_equal(named("sixdee")->end_bit, 1);
}

static void
test_classify(void **state)
{
	const struct ussd_profile *umr = named("user_message_reference");
	const struct ussd_profile *its = named("its_session_info");
	struct smpp_tlvs t;

	(void)state;
	memset(&t, 0, sizeof t);
	assert_int_equal(prof_classify(umr, &t), PROF_NOT_USSD);
	t = op(0x01);
	assert_int_equal(prof_classify(umr, &t), PROF_BEGIN);
	t = op(0x12);
	assert_int_equal(prof_classify(umr, &t), PROF_CONTINUE);
	t = op(0x81);
	assert_int_equal(prof_classify(umr, &t), PROF_ABORT);
	/* The traps: decimal numbers read as hex, hex read as decimal. */
	t = op(11);		/* 0x0B: "11" meant as 0x11 */
	assert_int_equal(prof_classify(umr, &t), PROF_UNKNOWN);
	t = op(0x18);		/* "18" meant as 0x12 */
	assert_int_equal(prof_classify(umr, &t), PROF_UNKNOWN);
	t = op(12);		/* 0x0C: "12" meant as 0x12 */
	assert_int_equal(prof_classify(umr, &t), PROF_UNKNOWN);
	t = op(0x17);		/* vumi sixdee's '17' as a hex string */
	assert_int_equal(prof_classify(named("sixdee"), &t), PROF_UNKNOWN);
	/* its_session_info: the subscriber's end bit is an abort. */
	t = op(0x12);
	t.have |= SMPP_HAVE_ITS_SESSION_INFO;
	t.its_session_info[0] = 0x2a;
	t.its_session_info[1] = 0x03;
	assert_int_equal(prof_classify(its, &t), PROF_ABORT);
	t.its_session_info[1] = 0x02;
	assert_int_equal(prof_classify(its, &t), PROF_CONTINUE);
	/* user_message_reference has no end bit: octet 2 means nothing. */
	t.its_session_info[1] = 0x03;
	assert_int_equal(prof_classify(umr, &t), PROF_CONTINUE);
}

static void
test_replies(void **state)
{
	const struct ussd_profile *its = named("its_session_info");
	const struct ussd_profile *umr = named("user_message_reference");
	struct smpp_tlvs mo = op(0x12), out;

	(void)state;
	mo.have |= SMPP_HAVE_ITS_SESSION_INFO;
	mo.its_session_info[0] = 0x2a;
	mo.its_session_info[1] = 0x04;	/* sequence 2 */
	prof_reply_tlvs(its, &mo, 0, &out);
	assert_int_equal(out.ussd_service_op, 0x02);
	assert_int_equal(out.its_session_info[0], 0x2a);
	assert_int_equal(out.its_session_info[1], 0x04);
	prof_reply_tlvs(its, &mo, 1, &out);
	assert_int_equal(out.ussd_service_op, 17);
	assert_int_not_equal(out.ussd_service_op, 11);
	assert_int_equal(out.its_session_info[1], 0x05);	/* end bit */
	assert_false(out.have & SMPP_HAVE_USER_MESSAGE_REFERENCE);

	mo = op(0x12);
	mo.have |= SMPP_HAVE_USER_MESSAGE_REFERENCE;
	mo.user_message_reference = 0x3039;
	prof_reply_tlvs(umr, &mo, 1, &out);
	assert_int_equal(out.ussd_service_op, 0x11);
	assert_int_equal(out.user_message_reference, 0x3039);
	assert_false(out.have & SMPP_HAVE_ITS_SESSION_INFO);
	prof_reply_tlvs(umr, &mo, 0, &out);
	assert_int_equal(out.ussd_service_op, 0x02);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_replies),
	};

	if (getenv("CMOCKA_MESSAGE_OUTPUT") == NULL)
		cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("profile", tests, NULL, NULL) != 0;
}
