/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "lockfile.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "xmalloc.h"

int
lockfile_take(const char *path, char **cause)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0) {
		*cause = xasprintf("cannot open the lock file %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		*cause = errno == EWOULDBLOCK ? xasprintf("%s is locked: "
		    "numvertd (or another numvert command) is using this "
		    "database", path) : xasprintf("cannot lock %s: %s", path,
		    strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

void
lockfile_release(int fd)
{
	if (fd >= 0)
		close(fd);	/* releases the lock */
}
