/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE). */

#include <config.h>
#include "utilities/sluice-cni-ovs.h"
#include <string.h>
#include "lib/vswitch-idl.h"
#include "ovsdb-idl.h"
#include "smap.h"
#include "util.h"
#include "utilities/sluice-cni-idl.h"

static bool
is_ready(struct ovsdb_idl *idl, const void *lock)
{
    return (ovsdb_idl_has_ever_connected(idl)
            && (!lock || ovsdb_idl_has_lock(idl)));
}

/* Connects to the Open vSwitch database at 'remote' and, if 'lock' is
 * nonnull, takes the OVSDB lock of that name (waiting while another client
 * holds it).  With 'iface' nonnull, only the port and interface of that
 * name are monitored, otherwise all; of the QoS rows, only those of type
 * "linux-noop".  Returns NULL once the database's contents are there,
 * otherwise (at 'deadline') a malloc()'d error message; either way 'ovs'
 * needs cni_ovs_close(). */
char *
cni_ovs_connect(struct cni_ovs *ovs, const char *remote, const char *lock,
                const char *iface, long long int deadline)
{
    ovs->remote = xstrdup(remote);
    ovs->idl = ovsdb_idl_create(remote, &ovsrec_idl_class, false, true);
    struct ovsdb_idl *idl = ovs->idl;

    ovsdb_idl_add_table(idl, &ovsrec_table_open_vswitch);
    ovsdb_idl_add_column(idl, &ovsrec_open_vswitch_col_external_ids);
    ovsdb_idl_add_column(idl, &ovsrec_open_vswitch_col_other_config);
    ovsdb_idl_add_column(idl, &ovsrec_open_vswitch_col_next_cfg);
    ovsdb_idl_add_column(idl, &ovsrec_open_vswitch_col_cur_cfg);
    ovsdb_idl_add_table(idl, &ovsrec_table_bridge);
    ovsdb_idl_add_column(idl, &ovsrec_bridge_col_name);
    ovsdb_idl_add_column(idl, &ovsrec_bridge_col_ports);
    ovsdb_idl_add_table(idl, &ovsrec_table_port);
    ovsdb_idl_add_column(idl, &ovsrec_port_col_name);
    ovsdb_idl_add_column(idl, &ovsrec_port_col_interfaces);
    ovsdb_idl_add_column(idl, &ovsrec_port_col_qos);
    ovsdb_idl_add_table(idl, &ovsrec_table_qos);
    ovsdb_idl_add_column(idl, &ovsrec_qos_col_type);
    ovsdb_idl_add_table(idl, &ovsrec_table_interface);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_name);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_external_ids);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_ofport);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_ofport_request);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_error);
    struct ovsdb_idl_condition qos = OVSDB_IDL_CONDITION_INIT(&qos);
    ovsrec_qos_add_clause_type(&qos, OVSDB_F_EQ, "linux-noop");
    ovsdb_idl_set_condition(idl, &ovsrec_table_qos, &qos);
    ovsdb_idl_condition_destroy(&qos);
    if (iface) {
        struct ovsdb_idl_condition cond = OVSDB_IDL_CONDITION_INIT(&cond);
        ovsrec_port_add_clause_name(&cond, OVSDB_F_EQ, iface);
        ovsdb_idl_set_condition(idl, &ovsrec_table_port, &cond);
        ovsdb_idl_condition_destroy(&cond);
        ovsdb_idl_condition_init(&cond);
        ovsrec_interface_add_clause_name(&cond, OVSDB_F_EQ, iface);
        ovsdb_idl_set_condition(idl, &ovsrec_table_interface, &cond);
        ovsdb_idl_condition_destroy(&cond);
    }
    if (lock) {
        ovsdb_idl_set_lock(idl, lock);
    }

    if (cni_idl_wait_until(idl, is_ready, lock, deadline)) {
        return NULL;
    }
    return xasprintf("%s: %s", remote,
                     (ovsdb_idl_has_ever_connected(idl)
                      ? "timed out waiting for the attachment's lock "
                        "(another operation on it is running)"
                      : "cannot connect to the Open vSwitch database"));
}

/* Closes 'ovs', releasing its lock. */
void
cni_ovs_close(struct cni_ovs *ovs)
{
    ovsdb_idl_destroy(ovs->idl);
    free(ovs->remote);
}

/* Returns external_ids:'key' of the Open_vSwitch row, or NULL. */
const char *
cni_ovs_get_config(const struct cni_ovs *ovs, const char *key)
{
    const struct ovsrec_open_vswitch *cfg
        = ovsrec_open_vswitch_first(ovs->idl);
    return cfg ? smap_get(&cfg->external_ids, key) : NULL;
}

/* Returns true if ovs-vswitchd is configured to take TCP segments and
 * checksums left to the device from veths (other_config:userspace-tso-enable;
 * it reads that when it starts). */
bool
cni_ovs_offload_enabled(const struct cni_ovs *ovs)
{
    const struct ovsrec_open_vswitch *cfg
        = ovsrec_open_vswitch_first(ovs->idl);
    return cfg && smap_get_bool(&cfg->other_config, "userspace-tso-enable",
                                false);
}

static const struct ovsrec_bridge *
find_bridge(const struct cni_ovs *ovs, const char *name)
{
    const struct ovsrec_bridge *br;

    OVSREC_BRIDGE_FOR_EACH (br, ovs->idl) {
        if (!strcmp(br->name, name)) {
            return br;
        }
    }
    return NULL;
}

/* Returns true if bridge 'bridge' exists. */
bool
cni_ovs_bridge_exists(const struct cni_ovs *ovs, const char *bridge)
{
    return find_bridge(ovs, bridge) != NULL;
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

static char *
prefix_error(char *error, const char *verb, const char *iface,
             const char *bridge)
{
    char *msg = xasprintf("%s port %s %s bridge %s failed: %s", verb, iface,
                          verb[0] == 'a' ? "to" : "from", bridge, error);
    free(error);
    return msg;
}

/* Returns a QoS row of type "linux-noop", inserting one with 'txn' if there
 * is none.  Without QoS, ovs-vswitchd replaces a port's qdisc with the
 * default one, and the host side of a container's veth may have a qdisc
 * of sluice-cni's (sluice-cni-netlink.h); "linux-noop" leaves it alone.
 * Any such row will do, so all of them share one, which stays.  If the row
 * goes before 'txn' commits, the transaction is tried again. */
static const struct ovsrec_qos *
noop_qos(const struct cni_ovs *ovs, struct ovsdb_idl_txn *txn)
{
    const struct ovsrec_qos *qos;

    OVSREC_QOS_FOR_EACH (qos, ovs->idl) {
        if (!strcmp(qos->type, "linux-noop")) {
            ovsrec_qos_verify_type(qos);
            return qos;
        }
    }
    struct ovsrec_qos *new = ovsrec_qos_insert(txn);
    ovsrec_qos_set_type(new, "linux-noop");
    return new;
}

/* Adds interface 'iface' to 'bridge', bound to northbound port 'port' of
 * 'network' ("TENANT/NETWORK") and asking for OpenFlow port number
 * 'ofport_request', in one transaction.  Returns NULL on success, otherwise
 * a malloc()'d error message.  Success means that the database has the
 * port: ovs-vswitchd adds it next (cni_ovs_port_problem() says why it did
 * not). */
char *
cni_ovs_port_add(struct cni_ovs *ovs, const char *bridge, const char *iface,
                 const char *port, const char *network,
                 int64_t ofport_request, long long int deadline)
{
    char *error = NULL;
    bool retry = true;

    while (retry) {
        const struct ovsrec_bridge *br = find_bridge(ovs, bridge);
        if (!br) {
            error = xstrdup("the bridge does not exist");
            break;
        }

        struct ovsdb_idl_txn *txn = ovsdb_idl_txn_create(ovs->idl);
        ovsdb_idl_txn_add_comment(txn, "sluice-cni: add port %s for %s",
                                  iface, port);
        struct ovsrec_interface *i = ovsrec_interface_insert(txn);
        ovsrec_interface_set_name(i, iface);
        ovsrec_interface_set_ofport_request(i, &ofport_request, 1);
        struct smap ids = SMAP_INITIALIZER(&ids);
        smap_add(&ids, "sluice-port", port);
        smap_add(&ids, "sluice-cni-network", network);
        ovsrec_interface_set_external_ids(i, &ids);
        smap_destroy(&ids);

        struct ovsrec_port *p = ovsrec_port_insert(txn);
        ovsrec_port_set_name(p, iface);
        ovsrec_port_set_interfaces(p, &i, 1);
        ovsrec_port_set_qos(p, noop_qos(ovs, txn));
        ovsrec_bridge_update_ports_addvalue(br, p);

        retry = cni_idl_commit(txn, deadline, &error) == TXN_TRY_AGAIN;
        ovsdb_idl_txn_destroy(txn);
    }
    return error ? prefix_error(error, "adding", iface, bridge) : NULL;
}

static bool
has_ofport(struct ovsdb_idl *idl, const void *iface)
{
    const struct ovsrec_interface *i;

    OVSREC_INTERFACE_FOR_EACH (i, idl) {
        if (!strcmp(i->name, iface)) {
            return i->n_ofport;
        }
    }
    return false;
}

/* Returns, as a malloc()'d message, why ovs-vswitchd has not added interface
 * 'iface', if it says so by 'deadline', otherwise NULL. */
char *
cni_ovs_port_problem(struct cni_ovs *ovs, const char *iface,
                     long long int deadline)
{
    cni_idl_wait_until(ovs->idl, has_ofport, iface, deadline);

    const struct ovsrec_interface *i;
    OVSREC_INTERFACE_FOR_EACH (i, ovs->idl) {
        if (!strcmp(i->name, iface) && i->n_ofport && i->ofport[0] < 0) {
            return xasprintf("ovs-vswitchd could not add interface %s: %s",
                             iface, i->error ? i->error : "no reason given");
        }
    }
    return NULL;
}

static bool
cfg_reached(struct ovsdb_idl *idl, const void *next_cfg_)
{
    const int64_t *next_cfg = next_cfg_;
    const struct ovsrec_open_vswitch *cfg = ovsrec_open_vswitch_first(idl);
    return !cfg || cfg->cur_cfg >= *next_cfg;
}

/* Removes port 'iface' from 'bridge', if it is there, and waits until
 * ovs-vswitchd has applied the change.  Returns NULL on
 * success, otherwise a malloc()'d error message. */
char *
cni_ovs_port_del(struct cni_ovs *ovs, const char *bridge, const char *iface,
                 long long int deadline)
{
    char *error = NULL;
    bool retry = true;

    while (retry) {
        const struct ovsrec_bridge *br = find_bridge(ovs, bridge);
        const struct ovsrec_port *p = br ? find_port(br, iface) : NULL;
        if (!p) {
            break;
        }

        struct ovsdb_idl_txn *txn = ovsdb_idl_txn_create(ovs->idl);
        ovsdb_idl_txn_add_comment(txn, "sluice-cni: delete port %s", iface);
        ovsrec_bridge_update_ports_delvalue(br, p);
        const struct ovsrec_open_vswitch *cfg
            = ovsrec_open_vswitch_first(ovs->idl);
        if (cfg) {
            ovsdb_idl_txn_increment(txn, &cfg->header_,
                                    &ovsrec_open_vswitch_col_next_cfg, false);
        }
        enum ovsdb_idl_txn_status status = cni_idl_commit(txn, deadline,
                                                          &error);
        retry = status == TXN_TRY_AGAIN;
        if (status == TXN_SUCCESS && cfg) {
            /* Like "ovs-vsctl del-port", wait until ovs-vswitchd has let go
             * of the interface, so that deleting it next does not pull it
             * out from under the datapath. */
            int64_t next_cfg = ovsdb_idl_txn_get_increment_new_value(txn);
            if (!cni_idl_wait_until(ovs->idl, cfg_reached, &next_cfg,
                                    deadline)) {
                error = xstrdup("timed out waiting for ovs-vswitchd");
            }
        }
        ovsdb_idl_txn_destroy(txn);
    }
    return error ? prefix_error(error, "deleting", iface, bridge) : NULL;
}

/* Returns true if 'bridge' has port 'iface' bound to northbound port
 * 'port'. */
bool
cni_ovs_port_exists(const struct cni_ovs *ovs, const char *bridge,
                    const char *iface, const char *port)
{
    const struct ovsrec_bridge *br = find_bridge(ovs, bridge);
    const struct ovsrec_port *p = br ? find_port(br, iface) : NULL;

    for (size_t i = 0; p && i < p->n_interfaces; i++) {
        const char *bound = smap_get(&p->interfaces[i]->external_ids,
                                     "sluice-port");
        if (bound && !strcmp(bound, port)) {
            return true;
        }
    }
    return false;
}

/* Adds to 'ports' an entry INTERFACE -> NORTHBOUND-PORT for each interface
 * of 'bridge' that sluice-cni attached for 'network'. */
void
cni_ovs_network_ports(const struct cni_ovs *ovs, const char *bridge,
                      const char *network, struct smap *ports)
{
    const struct ovsrec_bridge *br = find_bridge(ovs, bridge);

    for (size_t i = 0; br && i < br->n_ports; i++) {
        const struct ovsrec_port *p = br->ports[i];
        for (size_t j = 0; j < p->n_interfaces; j++) {
            const struct ovsrec_interface *iface = p->interfaces[j];
            const char *net = smap_get(&iface->external_ids,
                                       "sluice-cni-network");
            const char *port = smap_get(&iface->external_ids,
                                        "sluice-port");
            if (net && port && !strcmp(net, network)) {
                smap_replace(ports, iface->name, port);
            }
        }
    }
}
