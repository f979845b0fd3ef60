/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "app.h"

#include <stdlib.h>

#include "base/xmalloc.h"
#include "profile.h"

struct app {
	struct logger *log;
	const struct fallback *fb;
	struct app_stats st;
};

struct app *
app_new(struct logger *log, const struct fallback *fb)
{
	struct app *a = xcalloc(1, sizeof *a);

	a->log = log;
	a->fb = fb;
	return a;
}

void
app_free(struct app *a)
{
	free(a);
}

const struct app_stats *
app_stats(const struct app *a)
{
	return &a->st;
}

int
app_message(void *arg, struct link *l, const struct mo_msg *m)
{
	struct app *a = arg;
	struct smpp_tlvs tlv;
	enum mt_result r;

	if (m->kind == MO_USSD) {
		prof_reply_tlvs(prof_get((unsigned)link_cfg(l)->ussd_profile),
		    &m->ussd, 1, &tlv);
		r = mt_send(l, a->log, a->fb, &m->reply, MT_USSD, APP_ACK_USSD,
		    "fr", &tlv);
	} else {
		r = mt_send(l, a->log, a->fb, &m->reply, MT_SMS, APP_ACK_SMS,
		    "fr", NULL);
	}
	if (r == MT_QUEUE_FULL) {
		a->st.refused++;
		return -1;
	}
	if (m->kind == MO_USSD)
		a->st.ussd++;
	else
		a->st.sms++;
	return 0;
}
