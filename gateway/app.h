/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What numvertd does with a message from a subscriber. Until the menus
 * and the store exist, every MO gets a fixed acknowledgement, so the
 * path from carrier to reply is exercised end to end: an SMS is
 * answered by SMS through the link's queue, a USSD dialogue with a final
 * screen in the carrier's dialect. Delivery receipts are counted, never
 * treated as messages. No phone number is logged.
 */
#ifndef NV_APP_H
#define NV_APP_H

#include "smpp_link.h"

struct app;
struct logger;

/* The acknowledgement texts (GSM 03.38 and ASCII alike). */
#define APP_ACK_SMS "numvert: message bien recu. Merci."
#define APP_ACK_USSD "numvert: votre appel est bien arrive. Merci."

struct app_stats {
	unsigned long long sms, ussd, ussd_aborts, receipts, refused;
};

struct app *app_new(struct logger *log);
void app_free(struct app *a);

/* The link_cbs.mo callback; arg is the struct app. */
void app_mo(struct link *l, const struct smpp_pdu *pdu, struct conn_req req,
    void *arg);

const struct app_stats *app_stats(const struct app *a);

#endif
