/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * numvertd: the hotline gateway daemon. One libevent loop carries every
 * SMPP link; main wires configuration, links, listeners and the
 * application together and owns the few process-wide things: signal
 * handling and libevent's log callback.
 *
 * Exit status: 0 after a clean shutdown or a valid --check-config,
 * 1 when the daemon cannot start (a port in use, a database it cannot
 * open or whose rows its keys do not open), 2 for a bad command line,
 * configuration or key file.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/dns.h>
#include <event2/event.h>
#include <event2/thread.h>

#include "app.h"
#include "dialog.h"
#include "menus/menu.h"
#include "routing/route.h"
#include "base/fallback.h"
#include "base/lockfile.h"
#include "base/log.h"
#include "base/xmalloc.h"
#include "config.h"
#include "db/db.h"
#include "listener.h"
#include "mo.h"
#include "outbox.h"
#include "privacy.h"
#include "routing/keys.h"
#include "smpp_link.h"
#include "store.h"

#define EXIT_START 1
#define EXIT_USAGE 2

/* libevent's log callback takes no argument: the one global of the daemon. */
static struct logger *g_log;

struct daemon {
	struct cfg *cfg;
	struct logger *log;
	struct event_base *base;
	struct conn_env env;
	struct app *app;
	struct mo *mo;
	struct fallback *fb;
	struct keys *keys;
	struct db *db;
	struct store *store;
	struct outbox *ob;
	struct priv *priv;	/* routing, pseudonyms, escalation, retention */
	struct menu *menu;	/* the menus new sessions begin with */
	struct dialog *dlg;	/* USSD sessions, SMS keywords, cases */
	int lock_fd;		/* one numvertd per database */
	struct link **links;
	struct listener **lsn;
	unsigned *lsn_first;	/* index of the link that opened each */
	unsigned nlsn;
	struct event *sig_int, *sig_term, *sig_hup, *grace;
	int stopping;
};

static void
mo_cb(struct link *l, const struct smpp_pdu *pdu, struct conn_req req,
    void *arg)
{
	struct daemon *d = arg;

	mo_receive(l, pdu, req, d->mo);
}

static void
mt_done_cb(struct link *l, void *owner, enum link_mt_end end, uint32_t status,
    unsigned attempts, const char *why, void *arg)
{
	struct daemon *d = arg;

	(void)l;
	outbox_mt_done(d->ob, owner, end, status, attempts, why);
}

static void
mt_retry_cb(struct link *l, void *owner, uint32_t status, unsigned attempts,
    uint64_t delay_ms, void *arg)
{
	struct daemon *d = arg;

	(void)l;
	outbox_mt_retry(d->ob, owner, status, attempts, delay_ms);
}

static const struct link_cbs daemon_link_cbs = {
	.mo = mo_cb,
	.mt_done = mt_done_cb,
	.mt_retry = mt_retry_cb,
};

static struct link *
find_link(struct daemon *d, const char *name)
{
	for (unsigned i = 0; i < d->cfg->nlinks; i++)
		if (strcmp(link_name(d->links[i]), name) == 0)
			return d->links[i];
	return NULL;
}

static void
resume_part(void *arg, const char *link, const struct reasm_part *p)
{
	struct daemon *d = arg;
	struct link *l = find_link(d, link);
	char q[LOG_QBUF];

	if (l == NULL) {	/* kept: the link may come back */
		log_msg(d->log, LOG_WARN, NULL, "part_orphaned", "link=%s",
		    log_qs(q, sizeof q, link));
		return;
	}
	mo_resume_part(d->mo, l, p);
}

static void
resume_mt(void *arg, int64_t id, const struct store_mt *m)
{
	struct daemon *d = arg;

	outbox_resume(d->ob, id, m);
}

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: numvertd [-c FILE] [--check-config] [--print-example-config]\n"
	    "  -c FILE                  configuration (default: the built-in\n"
	    "                           demo configuration of `make run`)\n"
	    "  --check-config           validate the configuration and exit\n"
	    "  --print-example-config   print every option, annotated\n"
	    "  -h, --help               this text\n");
}

static void
libevent_log_cb(int severity, const char *msg)
{
	char q[LOG_QBUF];

	log_msg(g_log, severity >= EVENT_LOG_WARN ? LOG_WARN : LOG_DEBUG,
	    "component=libevent", "libevent", "msg=%s", log_qs(q, sizeof q,
	    msg));
}

static int
all_idle(const struct daemon *d)
{
	for (unsigned i = 0; i < d->cfg->nlinks; i++)
		if (!link_idle(d->links[i]))
			return 0;
	return 1;
}

static void
grace_cb(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;

	(void)fd;
	(void)what;
	/* Every unbind answered: no need to wait for the whole grace. */
	if (all_idle(d))
		event_base_loopexit(d->base, NULL);
}

static void
stop(struct daemon *d, const char *why)
{
	struct timeval tick = { 0, 50000 }, grace;

	if (d->stopping++) {
		event_base_loopexit(d->base, NULL);	/* second signal */
		return;
	}
	log_msg(d->log, LOG_INFO, NULL, "shutdown", "why=%s grace_ms=%u", why,
	    d->cfg->shutdown_grace_ms);
	for (unsigned i = 0; i < d->nlsn; i++) {
		lsn_free(d->lsn[i]);
		d->lsn[i] = NULL;
	}
	for (unsigned i = 0; i < d->cfg->nlinks; i++)
		link_shutdown(d->links[i]);
	grace.tv_sec = d->cfg->shutdown_grace_ms / 1000;
	grace.tv_usec = (d->cfg->shutdown_grace_ms % 1000) * 1000;
	event_base_loopexit(d->base, &grace);
	d->grace = event_new(d->base, -1, EV_PERSIST, grace_cb, d);
	event_add(d->grace, &tick);
}

/* The menus, checked against the geography and the routing data. */
static struct menu *
load_menu(const struct cfg *c, const struct fallback *fb,
    const struct priv *p, char **cause)
{
	struct menu *m = menu_load(c->menu_file, priv_geo(p), fb, cause);

	for (unsigned i = 0; m != NULL && i < menu_category_count(m); i++)
		if (!route_category_valid(priv_routes(p),
		    menu_category_at(m, i))) {
			*cause = xasprintf("%s: category %s is not in %s",
			    c->menu_file, menu_category_at(m, i),
			    c->routing_file);
			menu_unref(m);
			m = NULL;
		}
	return m;
}

/* SIGHUP: new dialogues get the file as it is now; a bad file changes
 * nothing. */
static void
reload_menu(struct daemon *d)
{
	char *cause = NULL;
	struct menu *m = load_menu(d->cfg, d->fb, d->priv, &cause);

	if (m == NULL) {
		log_msg(d->log, LOG_ERROR, NULL, "menu_reload_failed",
		    "why=\"%s\" action=kept_previous", cause);
		free(cause);
		return;
	}
	dialog_set_menu(d->dlg, m);
	menu_unref(d->menu);
	d->menu = m;
	log_msg(d->log, LOG_INFO, NULL, "menu_reloaded", "file=%s open=%zu",
	    d->cfg->menu_file, dialog_sessions(d->dlg));
}

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;

	(void)what;
	if (sig == SIGHUP) {
		reload_menu(d);
		return;
	}
	stop(d, sig == SIGINT ? "sigint" : "sigterm");
}

static int
same_address(const struct cfg_link *a, const struct cfg_link *b)
{
	return a->listen_port != 0 && a->listen_port == b->listen_port &&
	    strcmp(a->listen_host, b->listen_host) == 0;
}

/* One listener per distinct server address; port 0 is never shared. */
static int
start_listeners(struct daemon *d, char **cause)
{
	const struct cfg *cfg = d->cfg;
	unsigned n = cfg->nlinks ? cfg->nlinks : 1;

	d->lsn = xcalloc(n, sizeof *d->lsn);
	d->lsn_first = xcalloc(n, sizeof *d->lsn_first);
	for (unsigned i = 0; i < cfg->nlinks; i++) {
		const struct cfg_link *l = &cfg->links[i];
		unsigned k;

		if (l->mode != LINK_MODE_SERVER)
			continue;
		for (k = 0; k < d->nlsn; k++)
			if (same_address(&cfg->links[d->lsn_first[k]], l))
				break;
		if (k == d->nlsn) {
			d->lsn[k] = lsn_new(&d->env, l->listen_host,
			    l->listen_port, cfg_link_role(l), cause);
			if (d->lsn[k] == NULL)
				return -1;
			d->lsn_first[k] = i;
			d->nlsn++;
		}
		lsn_add_link(d->lsn[k], d->links[i]);
	}
	return 0;
}

/* The link escalation SMS leave on: alert_link, else the first. */
static struct link *
alert_link(struct daemon *d)
{
	if (d->cfg->nlinks == 0)
		return NULL;
	if (d->cfg->alert_link[0] == '\0')
		return d->links[0];
	return find_link(d, d->cfg->alert_link);
}

static int
start(struct daemon *d, char **cause)
{
	evthread_use_pthreads();	/* before any worker thread exists */
	d->base = event_base_new();
	if (d->base == NULL) {
		*cause = xstrdup("cannot create the event loop");
		return -1;
	}
	d->env.base = d->base;
	d->env.log = d->log;
	d->env.dns = evdns_base_new(d->base, EVDNS_BASE_INITIALIZE_NAMESERVERS);
	if (d->env.dns == NULL)	/* no resolv.conf: addresses still work */
		d->env.dns = evdns_base_new(d->base, 0);
	if ((d->store = store_new(d->base, d->log, d->db, d->keys, d->cfg,
	    cause)) == NULL)
		return -1;
	d->links = xcalloc(d->cfg->nlinks, sizeof *d->links);
	d->ob = outbox_new(d->base, d->log, d->fb, d->store, d->links,
	    d->cfg->nlinks);
	/* Links connect from the loop: nothing reaches app or mo before
	 * they exist. */
	for (unsigned i = 0; i < d->cfg->nlinks; i++)
		d->links[i] = link_new(&d->env, &d->cfg->links[i],
		    d->cfg->stats_interval_ms, &daemon_link_cbs, d);
	priv_start(d->priv, d->base, d->log, d->cfg, d->keys, d->store, d->ob,
	    alert_link(d));
	d->dlg = dialog_new(&(struct dialog_deps){ .base = d->base,
	    .log = d->log, .fb = d->fb, .s = d->store, .ob = d->ob,
	    .in = priv_intake(d->priv), .esc = priv_escalate(d->priv),
	    .ks = d->keys, .cfg = d->cfg, .links = d->links }, d->menu,
	    cause);
	if (d->dlg == NULL)
		return -1;
	d->app = app_new(d->base, d->log, d->fb, d->store, d->ob,
	    priv_intake(d->priv), priv_escalate(d->priv), d->dlg);
	d->mo = mo_new(d->base, d->log, d->cfg, d->store, app_message, d->app);
	store_replay(d->store, &(struct store_resume){ .part = resume_part,
	    .mt = resume_mt, .arg = d });
	if (start_listeners(d, cause) != 0)
		return -1;
	d->sig_int = evsignal_new(d->base, SIGINT, signal_cb, d);
	d->sig_term = evsignal_new(d->base, SIGTERM, signal_cb, d);
	d->sig_hup = evsignal_new(d->base, SIGHUP, signal_cb, d);
	event_add(d->sig_int, NULL);
	event_add(d->sig_term, NULL);
	event_add(d->sig_hup, NULL);
	return 0;
}

static void
teardown(struct daemon *d)
{
	if (d->grace != NULL)	/* its ticks read the links freed below */
		event_del(d->grace);
	for (unsigned i = 0; i < d->nlsn; i++)
		lsn_free(d->lsn[i]);
	for (unsigned i = 0; d->links != NULL && i < d->cfg->nlinks; i++)
		if (d->links[i] != NULL)
			link_log_stats(d->links[i]);
	/*
	 * Writes under way complete (and answer, if a connection is left)
	 * while everything they touch exists; nothing new is written.
	 */
	if (d->mo != NULL)
		mo_close(d->mo);
	if (d->app != NULL)
		app_close(d->app);
	if (d->dlg != NULL) {
		dialog_log_stats(d->dlg);
		dialog_close(d->dlg);
	}
	if (d->store != NULL)
		store_log_stats(d->store);
	priv_stop(d->priv);
	store_free(d->store);
	dialog_free(d->dlg);	/* its writes completed with the store */
	menu_unref(d->menu);
	priv_free(d->priv);	/* its timers' jobs completed with the store */
	mo_free(d->mo);		/* waiting parts stay in the database */
	for (unsigned i = 0; d->links != NULL && i < d->cfg->nlinks; i++)
		link_free(d->links[i]);
	/* Let closed connections run their deferred frees. */
	if (d->base != NULL)
		event_base_loop(d->base, EVLOOP_NONBLOCK);
	outbox_free(d->ob);
	free(d->links);
	free(d->lsn);
	free(d->lsn_first);
	app_free(d->app);
	fb_free(d->fb);
	db_close(d->db);
	lockfile_release(d->lock_fd);
	keys_free(d->keys);
	if (d->grace != NULL)
		event_free(d->grace);
	if (d->sig_int != NULL) {
		event_free(d->sig_int);
		event_free(d->sig_term);
		event_free(d->sig_hup);
	}
	if (d->env.dns != NULL)
		evdns_base_free(d->env.dns, 0);
	if (d->base != NULL)
		event_base_free(d->base);
}

/*
 * The key file and the database. On the very first start (neither
 * exists) the keys are made; a database without its keys is refused,
 * since nothing sealed in it would open. Returns 0 or an exit status.
 */
static int
open_storage(struct daemon *d)
{
	const struct cfg *c = d->cfg;
	char *cause = NULL, *lock, q[LOG_QBUF];
	int rc = EXIT_USAGE;

	if (cry_init() != 0) {
		cause = xstrdup("libsodium cannot initialise");
		goto fail;
	}
	if (access(c->key_file, F_OK) != 0 && access(c->db_path, F_OK) != 0) {
		if (keys_generate(c->key_file, &cause) != 0)
			goto fail;
		log_msg(d->log, LOG_INFO, NULL, "keys_generated", "path=%s",
		    log_qs(q, sizeof q, c->key_file));
	}
	if (access(c->key_file, F_OK) != 0 && access(c->db_path, F_OK) == 0) {
		cause = xasprintf("%s is missing but the database %s exists: "
		    "put back the copy of the key file (new keys would not "
		    "open what the database holds)", c->key_file, c->db_path);
		goto fail;
	}
	if ((d->keys = keys_load(c->key_file, &cause)) == NULL ||
	    priv_open_keys(d->priv, c, &cause) != 0)
		goto fail;
	rc = EXIT_START;
	lock = xasprintf("%s.lock", c->db_path);
	d->lock_fd = lockfile_take(lock, &cause);
	free(lock);
	if (d->lock_fd < 0)
		goto fail;
	if (db_open(c->db_path, c->db_synchronous ? DB_SYNC_NORMAL :
	    DB_SYNC_FULL, &d->db, &cause) != 0)
		goto fail;
	if (db_readonly(d->db)) {
		cause = xasprintf("%s: the database can only be read (file "
		    "mode, owner or a read-only file system)", c->db_path);
		goto fail;
	}
	if (db_attach_keys(d->db, c->vault_file, &cause) != 0)
		goto fail;
	log_msg(d->log, c->db_synchronous ? LOG_WARN : LOG_INFO, NULL,
	    "db_opened", "path=%s schema=%d synchronous=%s",
	    log_qs(q, sizeof q, c->db_path), db_version(d->db),
	    c->db_synchronous ? "normal" : "full");
	return 0;
fail:
	log_msg(d->log, LOG_ERROR, NULL, "start_failed", "why=\"%s\"", cause);
	free(cause);
	return rc;
}

/* The configuration and the data files it names. */
static int
load_config(const char *path, struct cfg **cfg, struct fallback **fb,
    struct priv **priv, struct menu **menu)
{
	char *cause = NULL;
	int rc;

	rc = path != NULL ? cfg_load(path, cfg, &cause) :
	    cfg_load_embedded(cfg, &cause);
	if (rc == 0 && (*fb = fb_load((*cfg)->gsm7_fallback, &cause)) == NULL) {
		cfg_free(*cfg);
		rc = -1;
	} else if (rc == 0 && (*priv = priv_load(*cfg, &cause)) == NULL) {
		fb_free(*fb);
		cfg_free(*cfg);
		rc = -1;
	} else if (rc == 0 && (*menu = load_menu(*cfg, *fb, *priv,
	    &cause)) == NULL) {
		priv_free(*priv);
		fb_free(*fb);
		cfg_free(*cfg);
		rc = -1;
	}
	if (rc != 0) {
		fprintf(stderr, "numvertd: %s\n", cause);
		free(cause);
	}
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "check-config", no_argument, NULL, 'k' },
		{ "print-example-config", no_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct daemon d;
	const char *path = NULL;
	char *cause = NULL;
	int ch, check = 0, rc = 0;

	memset(&d, 0, sizeof d);
	d.lock_fd = -1;
	while ((ch = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'k':
			check = 1;
			break;
		case 'e':
			cfg_write_example(stdout);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (load_config(path, &d.cfg, &d.fb, &d.priv, &d.menu) != 0)
		return EXIT_USAGE;
	if (check) {
		printf("%s: ok (%u link%s; %s: %s)\n%s\n%s: menu %s, %u "
		    "languages\n", d.cfg->source,
		    d.cfg->nlinks, d.cfg->nlinks == 1 ? "" : "s",
		    d.cfg->gsm7_fallback, fb_status(d.fb),
		    priv_summary(d.priv), d.cfg->menu_file,
		    menu_name(d.menu), menu_lang_count(d.menu));
		menu_unref(d.menu);
		priv_free(d.priv);
		fb_free(d.fb);
		cfg_free(d.cfg);
		return 0;
	}
	signal(SIGPIPE, SIG_IGN);
	/* A file size limit is a failed write (a temporary error to the
	 * carrier, like a full disk), not a reason to die. */
	signal(SIGXFSZ, SIG_IGN);
	d.log = g_log = log_new(STDERR_FILENO, (enum log_level)d.cfg->log_level);
	event_set_log_callback(libevent_log_cb);
	log_msg(d.log, LOG_INFO, NULL, "starting", "config=%s links=%u "
	    "pid=%ld", d.cfg->source, d.cfg->nlinks, (long)getpid());
	if ((rc = open_storage(&d)) != 0) {
		/* logged */
	} else if (start(&d, &cause) != 0) {
		log_msg(d.log, LOG_ERROR, NULL, "start_failed", "why=\"%s\"",
		    cause);
		free(cause);
		rc = EXIT_START;
	} else {
		event_base_dispatch(d.base);
		log_msg(d.log, LOG_INFO, NULL, "stopped", NULL);
	}
	teardown(&d);
	cfg_free(d.cfg);
	log_free(d.log);
	return rc;
}
