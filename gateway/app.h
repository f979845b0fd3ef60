/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What numvertd answers. Until the menus and the store exist, every
 * message gets a fixed acknowledgement, so the path from carrier to
 * reply is exercised end to end: an SMS (however many parts it came in)
 * is answered by SMS, a USSD dialogue with a final screen in the
 * carrier's dialect. No phone number is logged.
 */
#ifndef NV_APP_H
#define NV_APP_H

#include "mo.h"

struct app;
struct fallback;
struct logger;

/* The acknowledgement texts. */
#define APP_ACK_SMS "numvert: message bien arrivé. Merci."
#define APP_ACK_USSD "numvert: votre appel est bien arrivé. Merci."

struct app_stats {
	unsigned long long sms, ussd, refused;
};

/* fb (may be NULL) is borrowed: it must outlive the app. */
struct app *app_new(struct logger *log, const struct fallback *fb);
void app_free(struct app *a);

/* The mo_handler; arg is the struct app. */
int app_message(void *arg, struct link *l, const struct mo_msg *m);

const struct app_stats *app_stats(const struct app *a);

#endif
