/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE). */

#include <config.h>
#include "lib/nb-util.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "packets.h"
#include "util.h"

/* Maximum length of an object name.  A CNI port name (container ID and
 * interface name) must fit. */
#define NB_NAME_MAX 128

/* Returns the directory for Sluice's sockets and pid files: $SLUICE_RUNDIR,
 * or /var/run/sluice. */
const char *
sluice_rundir(void)
{
    const char *dir = getenv("SLUICE_RUNDIR");
    return dir && dir[0] ? dir : "/var/run/sluice";
}

/* Returns the default northbound database remote: $SLUICE_NB_DB, or the unix
 * socket sluice-nb.sock in sluice_rundir(). */
const char *
nb_default_db(void)
{
    static char *def;

    if (!def) {
        const char *env = getenv("SLUICE_NB_DB");
        def = (env && env[0]
               ? xstrdup(env)
               : xasprintf("unix:%s/sluice-nb.sock", sluice_rundir()));
    }
    return def;
}

/* Checks that 'name' is a valid name for an object of kind 'what' (such as
 * "tenant"): 1 to 128 printable characters, no spaces and no '/', which
 * separates the parts of scoped names such as "TENANT/NETWORK".  Returns NULL
 * if it is, otherwise a malloc()'d error message. */
char *
nb_check_name(const char *what, const char *name)
{
    size_t len = strlen(name);

    if (!len) {
        return xasprintf("%s name must not be empty", what);
    } else if (len > NB_NAME_MAX) {
        return xasprintf("%s name \"%.20s...\" is too long (at most %d "
                         "characters)", what, name, NB_NAME_MAX);
    }
    for (const char *p = name; *p; p++) {
        if (*p == '/' || !isgraph((unsigned char) *p)) {
            return xasprintf("%s name \"%s\" may not contain %s", what, name,
                             *p == '/' ? "'/'" : "spaces or control "
                             "characters");
        }
    }
    return NULL;
}

/* Parses 's', a transport port range "PORT" or "MIN-MAX" with
 * 1 <= MIN <= MAX <= 65535, into '*min' and '*max'.  Returns NULL on success,
 * otherwise a malloc()'d error message. */
char *
port_range_parse(const char *s, uint16_t *min, uint16_t *max)
{
    unsigned int lo, hi;
    int n = 0;

    if (ovs_scan(s, "%u-%u%n", &lo, &hi, &n) && !s[n]) {
        /* Range. */
    } else if (ovs_scan(s, "%u%n", &lo, &n) && !s[n]) {
        hi = lo;
    } else {
        return xasprintf("\"%s\" is not a port or port range (write PORT or "
                         "MIN-MAX)", s);
    }
    if (!isdigit((unsigned char) s[0]) || lo < 1 || hi > 65535 || lo > hi) {
        return xasprintf("\"%s\" is not a valid port range (ports are 1 to "
                         "65535, MIN no greater than MAX)", s);
    }
    *min = lo;
    *max = hi;
    return NULL;
}

/* Stores in '*masks' a malloc()'d array of the fewest masked port matches
 * that together select exactly the ports from 'min' to 'max', as OpenFlow
 * matches port ranges, and returns their number. */
size_t
port_range_to_masks(uint16_t min_, uint16_t max_, struct port_mask **masks)
{
    uint32_t min = min_, max = max_;
    size_t n = 0;

    *masks = xmalloc(32 * sizeof **masks);
    while (min <= max) {
        /* The largest aligned block that starts at 'min' and ends by
         * 'max'. */
        uint32_t size = min ? min & -min : 0x10000;
        while (min + size - 1 > max) {
            size /= 2;
        }
        (*masks)[n++] = (struct port_mask) { min, ~(size - 1) & 0xffff };
        min += size;
    }
    return n;
}

/* Parses 's' as the Ethernet address of an endpoint: six colon-separated
 * hex bytes, neither multicast nor all-zeros.  Returns NULL on success,
 * otherwise a malloc()'d error message. */
char *
mac_parse(const char *s, struct eth_addr *ea)
{
    bool ok = strlen(s) == 17;
    for (int i = 0; ok && i < 17; i++) {
        ok = i % 3 == 2 ? s[i] == ':' : isxdigit((unsigned char) s[i]);
    }
    if (!ok || !ovs_scan(s, ETH_ADDR_SCAN_FMT, ETH_ADDR_SCAN_ARGS(*ea))) {
        return xasprintf("\"%s\" is not a valid MAC address (write "
                         "xx:xx:xx:xx:xx:xx)", s);
    } else if (eth_addr_is_multicast(*ea)) {
        return xasprintf("\"%s\" is a multicast MAC address", s);
    } else if (eth_addr_is_zero(*ea)) {
        return xasprintf("\"%s\" is the all-zeros MAC address", s);
    }
    return NULL;
}
