/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * The standard file descriptors of a program that may be started with some
 * of them closed (by a script, a runtime or a service manager). */

#ifndef STD_FDS_H
#define STD_FDS_H 1

void std_fds_open(void);

#endif /* std-fds.h */
