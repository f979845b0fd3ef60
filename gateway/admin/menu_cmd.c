/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * numvert menu lint [FILE] | numvert menu render LANG [gsm7|unicode]
 * [FILE]: checks the menus against the configuration's geography,
 * routing and links, or prints every screen as a phone shows it.
 */
#include "menu_cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fallback.h"
#include "menus/menu.h"
#include "profile.h"
#include "routing/geo.h"
#include "routing/route.h"

#define EXIT_FAIL 1
#define EXIT_USAGE 2

struct loaded {
	struct fallback *fb;
	struct geo *geo;
	struct routes *routes;
	struct menu *m;
};

static void
unload(struct loaded *d)
{
	menu_unref(d->m);
	route_free(d->routes);
	geo_free(d->geo);
	fb_free(d->fb);
}

static int
load(const struct cfg *c, const char *file, struct loaded *d)
{
	char *cause = NULL;

	memset(d, 0, sizeof *d);
	if ((d->fb = fb_load(c->gsm7_fallback, &cause)) == NULL ||
	    (d->geo = geo_load(c->region_data, &cause)) == NULL ||
	    (d->routes = route_load(c->routing_file, d->geo, &cause)) == NULL ||
	    (d->m = menu_load(file != NULL ? file : c->menu_file, d->geo, d->fb,
	    &cause)) == NULL) {
		fprintf(stderr, "numvert: menu: %s\n", cause);
		free(cause);
		unload(d);
		return -1;
	}
	return 0;
}

static void
print_line(void *arg, const char *line)
{
	(void)arg;
	printf("%s\n", line);
}

/*
 * The budgets screens must fit: every carrier profile with the default
 * link budgets, every configured link with its own, and an SMS step.
 */
static unsigned
budgets(const struct cfg *c, struct menu_lint_budget *b, unsigned max,
    char names[][64])
{
	unsigned n = 0;

	for (unsigned i = 0; i < prof_count() && n < max; i++)
		b[n++] = (struct menu_lint_budget){ prof_get(i)->name, 160,
		    80 };
	for (unsigned i = 0; i < c->nlinks && n < max; i++) {
		snprintf(names[i], 64, "link %s", c->links[i].name);
		b[n++] = (struct menu_lint_budget){ names[i],
		    c->links[i].ussd_screen, c->links[i].ussd_screen_ucs2 };
	}
	if (n < max)
		b[n++] = (struct menu_lint_budget){ "sms", c->sms_screen,
		    c->sms_screen_ucs2 };
	return n;
}

static int
lint(const struct cfg *c, const char *file)
{
	struct menu_lint_budget b[64];
	char (*names)[64] = calloc(64, 64);
	struct loaded d;
	unsigned errors, nb;

	if (names == NULL || load(c, file, &d) != 0) {
		free(names);
		return EXIT_FAIL;
	}
	nb = budgets(c, b, 64, names);
	errors = menu_lint(d.m, b, nb, print_line, NULL);
	for (unsigned i = 0; i < menu_category_count(d.m); i++)
		if (!route_category_valid(d.routes, menu_category_at(d.m, i))) {
			printf("error: category %s is not in %s\n",
			    menu_category_at(d.m, i), c->routing_file);
			errors++;
		}
	unload(&d);
	free(names);
	return errors > 0 ? EXIT_FAIL : 0;
}

static int
render(const struct cfg *c, const char *lang, const char *mode,
    const char *file)
{
	struct menu_fmt f = { 0, 160, 80, NULL };
	struct loaded d;
	int rc;

	if (mode != NULL && strcmp(mode, "unicode") == 0)
		f.unicode = 1;
	else if (mode != NULL && strcmp(mode, "gsm7") != 0)
		file = mode;
	if (load(c, file, &d) != 0)
		return EXIT_FAIL;
	rc = menu_render_all(d.m, lang, &f, print_line, NULL);
	if (rc != 0)
		fprintf(stderr, "numvert: menu render: no language %s\n", lang);
	unload(&d);
	return rc != 0 ? EXIT_USAGE : 0;
}

int
menu_cmd(const struct cfg *c, int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "lint") == 0 && argc <= 2)
		return lint(c, argc == 2 ? argv[1] : NULL);
	if (argc >= 2 && strcmp(argv[0], "render") == 0 && argc <= 4)
		return render(c, argv[1], argc >= 3 ? argv[2] : NULL,
		    argc == 4 ? argv[3] : NULL);
	fprintf(stderr, "usage: numvert menu lint [FILE]\n"
	    "       numvert menu render LANG [gsm7|unicode] [FILE]\n");
	return EXIT_USAGE;
}
