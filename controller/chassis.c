/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE). */

#include <config.h>
#include "controller/chassis.h"
#include <unistd.h>
#include "lib/ip-prefix.h"
#include "lib/sluice-nb-idl.h"
#include "lib/vswitch-idl.h"
#include "bitmap.h"
#include "controller/binding.h"
#include "flow.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofp-port.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "simap.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(chassis);

/* The numbers that OpenFlow port reservations come from: ovs-vswitchd
 * assigns numbers below RESERVED_MIN by itself, and leaves the upper half
 * of the range to those that ask for a number (ofport_request). */
#define RESERVED_MIN 32768
#define RESERVED_MAX 65279      /* OFPP_MAX - 1. */

static const char *const encap_names[N_ENCAPS] = {
    [ENCAP_GENEVE] = "geneve",
    [ENCAP_VXLAN] = "vxlan",
};

static const struct ovsrec_bridge *find_bridge(struct ovsdb_idl *,
                                               const char *name);
static const struct ovsrec_port *find_port(const struct ovsrec_bridge *,
                                           const char *name);
static void ensure_port(struct ovsdb_idl_txn *, const struct ovsrec_bridge *,
                        const char *name, const char *type,
                        const struct smap *options, const struct smap *bfd);
static void remove_port(const struct ovsrec_bridge *,
                        const struct ovsrec_port *);
static unsigned long *used_numbers(const struct switch_ports *);

/* Initializes an empty 'cfg'. */
void
chassis_config_init(struct chassis_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    sset_init(&cfg->encap_types);
    sset_init(&cfg->roles);
    smap_init(&cfg->physnets);
}

/* Frees what 'cfg' holds. */
void
chassis_config_destroy(struct chassis_config *cfg)
{
    free(cfg->name);
    free(cfg->hostname);
    free(cfg->nb_remote);
    free(cfg->encap_ip);
    free(cfg->bridge);
    free(cfg->datapath_type);
    sset_destroy(&cfg->encap_types);
    sset_destroy(&cfg->roles);
    smap_destroy(&cfg->physnets);
}

/* Reads 'cfg' from the external_ids of 'ovs', filling in defaults.  Returns
 * true if the configuration differs from what 'cfg' held before. */
bool
chassis_config_read(struct chassis_config *cfg,
                    const struct ovsrec_open_vswitch *ovs)
{
    const struct smap *ids = &ovs->external_ids;
    struct chassis_config new;

    chassis_config_init(&new);
    new.name = nullable_xstrdup(smap_get(ids, "system-id"));
    const char *hostname = smap_get(ids, "hostname");
    if (hostname) {
        new.hostname = xstrdup(hostname);
    } else {
        char buf[256];
        new.hostname = xstrdup(gethostname(buf, sizeof buf) ? "" : buf);
    }
    new.nb_remote = nullable_xstrdup(smap_get(ids, "sluice-remote"));
    new.encap_ip = nullable_xstrdup(smap_get(ids, "sluice-encap-ip"));
    sset_from_delimited_string(&new.encap_types,
                               smap_get_def(ids, "sluice-encap-type",
                                            "geneve"), ",");
    sset_from_delimited_string(&new.roles,
                               smap_get_def(ids, "sluice-roles", "compute"),
                               ",");
    new.bridge = xstrdup(smap_get_def(ids, "sluice-bridge", "br-int"));
    new.datapath_type = xstrdup(smap_get_def(ids, "sluice-datapath-type",
                                             ""));
    new.set_local_ip = smap_get_bool(ids, "sluice-set-local-ip", false);
    new.underlay_mtu = smap_get_int(ids, "sluice-underlay-mtu", 1500);

    struct sset mappings = SSET_INITIALIZER(&mappings);
    const char *m;
    sset_from_delimited_string(&mappings,
                               smap_get_def(ids, "sluice-bridge-mappings",
                                            ""), ",");
    SSET_FOR_EACH (m, &mappings) {
        const char *colon = strchr(m, ':');
        if (colon && colon != m && colon[1]) {
            char *physnet = xmemdup0(m, colon - m);
            smap_replace(&new.physnets, physnet, colon + 1);
            free(physnet);
        } else {
            static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);
            VLOG_WARN_RL(&rl, "ignoring bad bridge mapping \"%s\" (expected "
                         "PHYSNET:BRIDGE)", m);
        }
    }
    sset_destroy(&mappings);

    bool changed = !chassis_config_equal(cfg, &new);

    /* Move 'new' into 'cfg': a struct copy, then fix up the hash maps. */
    chassis_config_destroy(cfg);
    *cfg = new;
    sset_moved(&cfg->encap_types);
    sset_moved(&cfg->roles);
    hmap_moved(&cfg->physnets.map);
    return changed;
}

/* Returns NULL if 'cfg' has what the controller needs to run, otherwise a
 * malloc()'d message that says what is missing or wrong. */
char *
chassis_config_missing(const struct chassis_config *cfg)
{
    if (!cfg->name) {
        return xstrdup("external_ids:system-id is not set");
    } else if (!cfg->nb_remote) {
        return xstrdup("external_ids:sluice-remote (the northbound "
                       "database) is not set");
    } else if (!cfg->encap_ip) {
        return xstrdup("external_ids:sluice-encap-ip (the tunnel IP) is not "
                       "set");
    }

    struct in6_addr ip;
    bool ipv4;
    char *error = ip_addr_parse(cfg->encap_ip, &ip, &ipv4);
    if (error) {
        char *msg = xasprintf("external_ids:sluice-encap-ip: %s", error);
        free(error);
        return msg;
    }

    const char *type;
    SSET_FOR_EACH (type, &cfg->encap_types) {
        if (strcmp(type, "geneve") && strcmp(type, "vxlan")) {
            return xasprintf("external_ids:sluice-encap-type: \"%s\" is not "
                             "geneve or vxlan", type);
        }
    }
    if (sset_is_empty(&cfg->encap_types)) {
        return xstrdup("external_ids:sluice-encap-type is empty");
    }
    return NULL;
}

/* Returns true if 'a' and 'b' are the same configuration. */
bool
chassis_config_equal(const struct chassis_config *a,
                     const struct chassis_config *b)
{
    return (nullable_string_is_equal(a->name, b->name)
            && nullable_string_is_equal(a->hostname, b->hostname)
            && nullable_string_is_equal(a->nb_remote, b->nb_remote)
            && nullable_string_is_equal(a->encap_ip, b->encap_ip)
            && sset_equals(&a->encap_types, &b->encap_types)
            && sset_equals(&a->roles, &b->roles)
            && nullable_string_is_equal(a->bridge, b->bridge)
            && nullable_string_is_equal(a->datapath_type, b->datapath_type)
            && a->set_local_ip == b->set_local_ip
            && a->underlay_mtu == b->underlay_mtu
            && smap_equal(&a->physnets, &b->physnets));
}

/* Makes 'ovs_idl' monitor what the controller reads and writes in the local
 * Open_vSwitch database. */
void
chassis_ovs_register(struct ovsdb_idl *idl)
{
    ovsdb_idl_add_table(idl, &ovsrec_table_open_vswitch);
    ovsdb_idl_add_column(idl, &ovsrec_open_vswitch_col_external_ids);
    ovsdb_idl_add_column(idl, &ovsrec_open_vswitch_col_bridges);
    ovsdb_idl_add_column(idl, &ovsrec_open_vswitch_col_other_config);
    ovsdb_idl_add_table(idl, &ovsrec_table_bridge);
    ovsdb_idl_add_column(idl, &ovsrec_bridge_col_name);
    ovsdb_idl_add_column(idl, &ovsrec_bridge_col_ports);
    ovsdb_idl_add_column(idl, &ovsrec_bridge_col_fail_mode);
    ovsdb_idl_add_column(idl, &ovsrec_bridge_col_datapath_id);
    ovsdb_idl_add_column(idl, &ovsrec_bridge_col_datapath_type);
    ovsdb_idl_add_column(idl, &ovsrec_bridge_col_protocols);
    ovsdb_idl_add_column(idl, &ovsrec_bridge_col_other_config);
    ovsdb_idl_add_table(idl, &ovsrec_table_port);
    ovsdb_idl_add_column(idl, &ovsrec_port_col_name);
    ovsdb_idl_add_column(idl, &ovsrec_port_col_interfaces);
    ovsdb_idl_add_table(idl, &ovsrec_table_interface);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_name);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_type);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_options);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_ofport);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_external_ids);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_bfd);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_bfd_status);
}

/* Frees 'cp'. */
void
chassis_port_destroy(struct chassis_port *cp)
{
    if (cp) {
        free(cp->type);
        smap_destroy(&cp->options);
        smap_destroy(&cp->bfd);
        free(cp);
    }
}

/* Makes the part of the local Open vSwitch configuration that the
 * controller owns what 'cfg' says, in 'txn': the integration bridge (secure
 * fail mode, OpenFlow 1.5 allowed), one flow-based tunnel port per
 * encapsulation (with the tunnel IP as its source only when asked, because
 * OVS then needs a local route to it), a pair of patch ports to each
 * provider bridge, and the ports of service instances, "struct
 * chassis_port"s by name in 'si_ports' (whose names start with "si-").
 * Writes nothing when everything is already right.
 *
 * After ovs-vswitchd restarts with other_config:flow-restore-wait set (see
 * ovs-vswitchd.conf.db(5)), it forwards nothing until that is cleared; the
 * controller clears it once 'flows_restored', that is, once the switch has
 * all of its flows again. */
void
chassis_ovs_run(struct ovsdb_idl_txn *txn, struct ovsdb_idl *idl,
                const struct chassis_config *cfg, bool flows_restored,
                const struct shash *si_ports)
{
    const struct ovsrec_open_vswitch *ovs = ovsrec_open_vswitch_first(idl);
    if (!txn || !ovs) {
        return;
    }

    if (flows_restored
        && smap_get_bool(&ovs->other_config, "flow-restore-wait", false)) {
        VLOG_INFO("flows restored: clearing flow-restore-wait");
        ovsrec_open_vswitch_update_other_config_delkey(ovs,
                                                       "flow-restore-wait");
    }

    static const char *protocols[] = {
        "OpenFlow10", "OpenFlow13", "OpenFlow14", "OpenFlow15",
    };
    const struct ovsrec_bridge *br = find_bridge(idl, cfg->bridge);
    if (!br) {
        VLOG_INFO("creating integration bridge %s", cfg->bridge);
        br = ovsrec_bridge_insert(txn);
        ovsrec_bridge_set_name(br, cfg->bridge);
        struct smap other = SMAP_INITIALIZER(&other);
        smap_add(&other, "disable-in-band", "true");
        ovsrec_bridge_set_other_config(br, &other);
        smap_destroy(&other);
        ovsrec_open_vswitch_update_bridges_addvalue(ovs, br);
    }
    if (!br->fail_mode || strcmp(br->fail_mode, "secure")) {
        ovsrec_bridge_set_fail_mode(br, "secure");
    }
    if (br->n_protocols != ARRAY_SIZE(protocols)) {
        ovsrec_bridge_set_protocols(br, protocols, ARRAY_SIZE(protocols));
    }
    if (cfg->datapath_type[0]
        && strcmp(br->datapath_type, cfg->datapath_type)) {
        ovsrec_bridge_set_datapath_type(br, cfg->datapath_type);
    }

    for (int e = 0; e < N_ENCAPS; e++) {
        const struct ovsrec_port *port = find_port(br, switch_ports_tunnel_name(e));
        if (sset_contains(&cfg->encap_types, encap_names[e])) {
            struct smap options = SMAP_INITIALIZER(&options);
            smap_add(&options, "remote_ip", "flow");
            smap_add(&options, "key", "flow");
            if (cfg->set_local_ip) {
                smap_add(&options, "local_ip", cfg->encap_ip);
            }
            ensure_port(txn, br, switch_ports_tunnel_name(e), encap_names[e],
                        &options, NULL);
            smap_destroy(&options);
        } else if (port) {
            remove_port(br, port);
        }
    }

    /* Patch ports to the provider bridges, and removal of stale ones. */
    const struct smap_node *node;
    SMAP_FOR_EACH (node, &cfg->physnets) {
        const struct ovsrec_bridge *provider = find_bridge(idl, node->value);
        if (!provider) {
            static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);
            VLOG_WARN_RL(&rl, "provider bridge %s of physical network %s "
                         "does not exist", node->value, node->key);
            continue;
        }
        char *to = switch_ports_patch_name("to", node->key);
        char *from = switch_ports_patch_name("from", node->key);
        struct smap options = SMAP_INITIALIZER(&options);
        smap_add(&options, "peer", from);
        ensure_port(txn, br, to, "patch", &options, NULL);
        smap_replace(&options, "peer", to);
        ensure_port(txn, provider, from, "patch", &options, NULL);
        smap_destroy(&options);
        free(to);
        free(from);
    }
    for (size_t i = 0; i < br->n_ports; i++) {
        const char *name = br->ports[i]->name;
        if ((!strncmp(name, "sluice-to-", 10)
             && !smap_get(&cfg->physnets, name + 10))
            || (!strncmp(name, "si-", 3) && !shash_find(si_ports, name))) {
            remove_port(br, br->ports[i]);
        }
    }

    const struct shash_node *si_port;
    SHASH_FOR_EACH (si_port, si_ports) {
        const struct chassis_port *cp = si_port->data;
        ensure_port(txn, br, si_port->name, cp->type, &cp->options,
                    &cp->bfd);
    }
}

/* Returns true once ovs-vswitchd has created the integration bridge (it
 * then reports the bridge's datapath ID), so that its OpenFlow management
 * socket exists. */
bool
chassis_ovs_bridge_ready(struct ovsdb_idl *idl,
                         const struct chassis_config *cfg)
{
    const struct ovsrec_bridge *br = find_bridge(idl, cfg->bridge);
    return br && br->datapath_id && br->datapath_id[0];
}

/* Makes 'sp' describe the integration bridge as the local database has it:
 * this chassis, its tunnel and patch ports, and the interfaces bound to
 * northbound ports by external_ids:sluice-port.  An interface's OpenFlow
 * port number comes from 'of_ports' (port name -> number, as the switch
 * itself reports them over OpenFlow), which knows a new port as soon as
 * the switch adds it, or else from the database, which learns it later;
 * interfaces without a valid number in either are left out. */
void
chassis_ovs_ports(struct ovsdb_idl *idl, const struct chassis_config *cfg,
                  const struct simap *of_ports, struct switch_ports *sp)
{
    const struct ovsrec_bridge *br = find_bridge(idl, cfg->bridge);

    switch_ports_set_chassis(sp, cfg->name);
    switch_ports_clear(sp);
    sp->underlay_mtu = cfg->underlay_mtu;
    for (size_t i = 0; br && i < br->n_ports; i++) {
        const struct ovsrec_port *port = br->ports[i];
        for (size_t j = 0; j < port->n_interfaces; j++) {
            const struct ovsrec_interface *iface = port->interfaces[j];
            const struct simap_node *of = (of_ports
                                           ? simap_find(of_ports, iface->name)
                                           : NULL);
            ofp_port_t ofport;
            if (of) {
                ofport = u16_to_ofp(of->data);
            } else if (iface->n_ofport && iface->ofport[0] > 0
                       && iface->ofport[0] < ofp_to_u16(OFPP_MAX)) {
                ofport = u16_to_ofp(iface->ofport[0]);
            } else {
                continue;
            }

            const char *bound = smap_get(&iface->external_ids, "sluice-port");
            if (bound) {
                simap_put(&sp->bindings, bound, ofp_to_u16(ofport));
            } else {
                switch_ports_add_named(sp, iface->name, ofport);
            }
        }
    }

    /* A reservation ends when an interface binds its port, or when another
     * interface has its number; the others stay bindings. */
    unsigned long *used = used_numbers(sp);
    struct simap_node *n;
    SIMAP_FOR_EACH_SAFE (n, &sp->reserved) {
        if (simap_contains(&sp->bindings, n->name)
            || bitmap_is_set(used, n->data)) {
            simap_delete(&sp->reserved, n);
        } else {
            simap_put(&sp->bindings, n->name, n->data);
        }
    }
    bitmap_free(used);
}

/* Returns a bitmap of the OpenFlow port numbers that 'sp' uses, to free
 * with bitmap_free(). */
static unsigned long *
used_numbers(const struct switch_ports *sp)
{
    unsigned long *used = bitmap_allocate(RESERVED_MAX + 1);
    const struct simap_node *n;

    SIMAP_FOR_EACH (n, &sp->ports) {
        bitmap_set1(used, MIN(n->data, RESERVED_MAX));
    }
    SIMAP_FOR_EACH (n, &sp->bindings) {
        bitmap_set1(used, MIN(n->data, RESERVED_MAX));
    }
    return used;
}

/* Brings the reservations of 'sp' up to date with the northbound ports:
 * each port bound to 'chassis' that no interface of the switch binds and
 * that has never been up (a port whose interface went away, as when
 * sluice-cni deletes it, gets none) gets an OpenFlow port number that nothing on the switch uses, preferably
 * the one its row already names, as a binding in 'sp', so that its flows
 * can be installed before its interface exists (see the "ofport" column of
 * the Port table).  Looks at every port if 'all', else only at the ports
 * that changed since the last track clear in 'nb'. */
void
chassis_reserve_ports(struct switch_ports *sp, struct ovsdb_idl *nb,
                      struct ovsdb_idl_index *by_name,
                      const struct nbrec_chassis *chassis, bool all)
{
    bool changed = false;
    struct simap_node *n;

    SIMAP_FOR_EACH_SAFE (n, &sp->reserved) {
        const struct nbrec_port *port = binding_find_port(by_name, n->name);
        if (!port || !chassis || port->chassis != chassis || port->n_up) {
            simap_find_and_delete(&sp->bindings, n->name);
            simap_delete(&sp->reserved, n);
            changed = true;
        }
    }

    unsigned long *used = NULL;
    const struct nbrec_port *port;
    for (port = all ? nbrec_port_first(nb) : nbrec_port_track_get_first(nb);
         port && chassis;
         port = all ? nbrec_port_next(port) : nbrec_port_track_get_next(port)) {
        if (port->chassis != chassis
            || nbrec_port_is_deleted(port) || port->n_up
            || simap_contains(&sp->bindings, port->name)) {
            continue;
        }
        if (!used) {
            used = used_numbers(sp);
        }
        int64_t want = port->n_ofport ? port->ofport[0] : 0;
        size_t number = (want >= RESERVED_MIN && want <= RESERVED_MAX
                         && !bitmap_is_set(used, want)
                         ? want
                         : bitmap_scan(used, false, RESERVED_MIN,
                                       RESERVED_MAX + 1));
        if (number > RESERVED_MAX) {
            static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);
            VLOG_WARN_RL(&rl, "no OpenFlow port number left to reserve for "
                         "port %s", port->name);
            continue;
        }
        bitmap_set1(used, number);
        simap_put(&sp->reserved, port->name, number);
        simap_put(&sp->bindings, port->name, number);
        changed = true;
    }
    bitmap_free(used);

    if (changed) {
        sp->seqno++;
    }
}

/* Registers this chassis in the northbound database, or brings its row up
 * to date with 'cfg', in 'txn'.  Returns the chassis row, or NULL while it
 * is being created. */
const struct nbrec_chassis *
chassis_nb_run(struct ovsdb_idl_txn *txn, struct ovsdb_idl *idl,
               const struct chassis_config *cfg)
{
    const struct nbrec_chassis *ch, *found = NULL;

    NBREC_CHASSIS_FOR_EACH (ch, idl) {
        if (!strcmp(ch->name, cfg->name)) {
            found = ch;
            break;
        }
    }
    if (!txn) {
        return found;
    }
    if (!found) {
        VLOG_INFO("registering chassis %s (%s)", cfg->name, cfg->encap_ip);
        ch = nbrec_chassis_insert(txn);
        nbrec_chassis_set_name(ch, cfg->name);
    } else {
        ch = found;
    }

    if (!ch->hostname || strcmp(ch->hostname, cfg->hostname)) {
        nbrec_chassis_set_hostname(ch, cfg->hostname);
    }
    if (!ch->encap_ip || strcmp(ch->encap_ip, cfg->encap_ip)) {
        nbrec_chassis_set_encap_ip(ch, cfg->encap_ip);
    }

    struct sset have = SSET_INITIALIZER(&have);
    for (size_t i = 0; i < ch->n_encap_types; i++) {
        sset_add(&have, ch->encap_types[i]);
    }
    if (!sset_equals(&have, &cfg->encap_types)) {
        const char **types = sset_array(&cfg->encap_types);
        nbrec_chassis_set_encap_types(ch, types,
                                      sset_count(&cfg->encap_types));
        free(types);
    }
    sset_clear(&have);
    for (size_t i = 0; i < ch->n_roles; i++) {
        sset_add(&have, ch->roles[i]);
    }
    if (!sset_equals(&have, &cfg->roles)) {
        const char **roles = sset_array(&cfg->roles);
        nbrec_chassis_set_roles(ch, roles, sset_count(&cfg->roles));
        free(roles);
    }
    sset_destroy(&have);
    return found;
}

static const struct ovsrec_bridge *
find_bridge(struct ovsdb_idl *idl, const char *name)
{
    const struct ovsrec_bridge *br;

    OVSREC_BRIDGE_FOR_EACH (br, idl) {
        if (!strcmp(br->name, name)) {
            return br;
        }
    }
    return NULL;
}

static const struct ovsrec_port *
find_port(const struct ovsrec_bridge *br, const char *name)
{
    for (size_t i = 0; i < br->n_ports; i++) {
        if (!strcmp(br->ports[i]->name, name)) {
            return br->ports[i];
        }
    }
    return NULL;
}

/* Makes 'br' have a port 'name' with one interface of 'type', 'options'
 * and BFD settings 'bfd' (NULL for none), creating or correcting it. */
static void
ensure_port(struct ovsdb_idl_txn *txn, const struct ovsrec_bridge *br,
            const char *name, const char *type, const struct smap *options,
            const struct smap *bfd)
{
    const struct ovsrec_port *port = find_port(br, name);
    const struct ovsrec_interface *iface;

    if (!port) {
        VLOG_INFO("creating port %s on bridge %s", name, br->name);
        iface = ovsrec_interface_insert(txn);
        ovsrec_interface_set_name(iface, name);
        port = ovsrec_port_insert(txn);
        ovsrec_port_set_name(port, name);
        ovsrec_port_set_interfaces(port,
                                   (struct ovsrec_interface **) &iface, 1);
        ovsrec_bridge_update_ports_addvalue(br, port);
    } else if (port->n_interfaces == 1) {
        iface = port->interfaces[0];
    } else {
        return;
    }
    if (strcmp(iface->type, type)) {
        ovsrec_interface_set_type(iface, type);
    }
    if (!smap_equal(&iface->options, options)) {
        ovsrec_interface_set_options(iface, options);
    }
    struct smap no_bfd = SMAP_INITIALIZER(&no_bfd);
    if (!smap_equal(&iface->bfd, bfd ? bfd : &no_bfd)) {
        ovsrec_interface_set_bfd(iface, bfd ? bfd : &no_bfd);
    }
}

static void
remove_port(const struct ovsrec_bridge *br, const struct ovsrec_port *port)
{
    VLOG_INFO("removing port %s from bridge %s", port->name, br->name);
    ovsrec_bridge_update_ports_delvalue(br, port);
}
