/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE). */

#include <config.h>
#include "lib/std-fds.h"
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include "util.h"

/* Opens /dev/null on each of the standard file descriptors 0, 1 and 2 that
 * is closed.  Otherwise the first socket that the program opens would get
 * descriptor 0, which OVS's poll loop takes for "no descriptor" (it aborts
 * on it), and output meant for the terminal could land in a file. */
void
std_fds_open(void)
{
    /* open() takes the lowest free descriptor: 'fd', since those below it
     * are open by then. */
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) < 0 && errno == EBADF
            && open("/dev/null", O_RDWR) < 0) {
            ovs_fatal(errno, "/dev/null: open failed");
        }
    }
}
