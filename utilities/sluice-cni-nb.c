/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE). */

#include <config.h>
#include "utilities/sluice-cni-nb.h"
#include <string.h>
#include "lib/nb-alloc.h"
#include "lib/sluice-nb-idl.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "util.h"
#include "utilities/sluice-cni-idl.h"
#include "utilities/sluice-cni-proto.h"

VLOG_DEFINE_THIS_MODULE(cni_nb);

/* Connects to the northbound database at 'remote' (a comma-separated list
 * for a cluster) as chassis 'chassis'.  Returns NULL once the database's
 * tenants, networks and this chassis' row are there, otherwise (at
 * 'deadline') a malloc()'d error message; either way 'nb' needs
 * cni_nb_close(). */
char *
cni_nb_connect(struct cni_nb *nb, const char *remote, const char *chassis,
               long long int deadline)
{
    static const struct ovsdb_idl_column *columns[] = {
        &nbrec_tenant_col_name,
        &nbrec_network_col_tenant,
        &nbrec_network_col_name,
        &nbrec_network_col_type,
        &nbrec_network_col_subnets,
        &nbrec_network_col_gateways,
        &nbrec_network_col_mtu,
        &nbrec_network_col_allocations,
        &nbrec_chassis_col_name,
        &nbrec_port_col_name,
        &nbrec_port_col_network,
        &nbrec_port_col_chassis,
        &nbrec_port_col_mac,
        &nbrec_port_col_ips,
        &nbrec_port_col_container_id,
        &nbrec_port_col_container_interface,
        &nbrec_port_col_ofport,
        &nbrec_port_col_up,
    };

    nb->remote = xstrdup(remote);
    nb->chassis = xstrdup(chassis);
    nb->idl = ovsdb_idl_create(remote, &nbrec_idl_class, false, true);
    for (size_t i = 0; i < ARRAY_SIZE(columns); i++) {
        ovsdb_idl_add_column(nb->idl, columns[i]);
    }

    struct ovsdb_idl_condition cond = OVSDB_IDL_CONDITION_INIT(&cond);
    ovsdb_idl_set_condition(nb->idl, &nbrec_table_port, &cond);
    nbrec_chassis_add_clause_name(&cond, OVSDB_F_EQ, chassis);
    ovsdb_idl_set_condition(nb->idl, &nbrec_table_chassis, &cond);
    ovsdb_idl_condition_destroy(&cond);

    if (!cni_idl_wait_until(nb->idl, cni_idl_is_connected, NULL, deadline)) {
        return xasprintf("%s: cannot connect to the northbound database",
                         remote);
    }
    return NULL;
}

/* Closes 'nb'. */
void
cni_nb_close(struct cni_nb *nb)
{
    ovsdb_idl_destroy(nb->idl);
    free(nb->remote);
    free(nb->chassis);
}

/* Returns network 'name' of tenant 'tenant', or NULL. */
const struct nbrec_network *
cni_nb_find_network(const struct cni_nb *nb, const char *tenant,
                    const char *name)
{
    const struct nbrec_network *net;

    NBREC_NETWORK_FOR_EACH (net, nb->idl) {
        if (!strcmp(net->name, name) && net->tenant
            && !strcmp(net->tenant->name, tenant)) {
            return net;
        }
    }
    return NULL;
}

/* Returns this chassis' row, or NULL if its controller has not created it
 * yet. */
const struct nbrec_chassis *
cni_nb_find_chassis(const struct cni_nb *nb)
{
    const struct nbrec_chassis *ch;

    NBREC_CHASSIS_FOR_EACH (ch, nb->idl) {
        if (!strcmp(ch->name, nb->chassis)) {
            return ch;
        }
    }
    return NULL;
}

static const struct nbrec_port *
find_port(struct ovsdb_idl *idl, const char *name)
{
    const struct nbrec_port *port;

    NBREC_PORT_FOR_EACH (port, idl) {
        if (!strcmp(port->name, name)) {
            return port;
        }
    }
    return NULL;
}

/* Returns port 'name', if it is among the watched ports, otherwise NULL. */
const struct nbrec_port *
cni_nb_find_port(const struct cni_nb *nb, const char *name)
{
    return find_port(nb->idl, name);
}

static bool
condition_acked(struct ovsdb_idl *idl, const void *seqno_)
{
    const unsigned int *seqno = seqno_;
    return ovsdb_idl_get_condition_seqno(idl) == *seqno;
}

/* Makes 'nb' receive the ports of 'network' (if nonnull), port 'port' (if
 * nonnull) and, if 'chassis_ports', the ports of this chassis, and waits
 * until it has them.  Returns NULL on success, otherwise a malloc()'d error
 * message. */
char *
cni_nb_watch_ports(struct cni_nb *nb, const struct nbrec_network *network,
                   const char *port, bool chassis_ports,
                   long long int deadline)
{
    struct ovsdb_idl_condition cond = OVSDB_IDL_CONDITION_INIT(&cond);
    if (network) {
        nbrec_port_add_clause_network(&cond, OVSDB_F_EQ,
                                      &network->header_.uuid);
    }
    if (port) {
        nbrec_port_add_clause_name(&cond, OVSDB_F_EQ, port);
    }
    const struct nbrec_chassis *chassis = cni_nb_find_chassis(nb);
    if (chassis_ports && chassis) {
        nbrec_port_add_clause_chassis(&cond, OVSDB_F_EQ,
                                      &chassis->header_.uuid);
    }
    unsigned int seqno = ovsdb_idl_set_condition(nb->idl, &nbrec_table_port,
                                                 &cond);
    ovsdb_idl_condition_destroy(&cond);

    if (!cni_idl_wait_until(nb->idl, condition_acked, &seqno, deadline)) {
        return xasprintf("%s: timed out reading ports", nb->remote);
    }
    return NULL;
}

/* Strips a "/PLEN" suffix from each of 'ips'. */
static void
strip_prefix_lengths(struct svec *ips)
{
    for (size_t i = 0; i < ips->n; i++) {
        char *slash = strchr(ips->names[i], '/');
        if (slash) {
            *slash = '\0';
        }
    }
}

/* Fills in the addresses of 'port' in 'spec': the requested ones, checked,
 * or allocated ones. */
static struct cni_error *
choose_addresses(const struct nb_addr_usage *usage,
                 const struct nbrec_port *port, const struct cni_nb_port *spec)
{
    struct svec ips = SVEC_EMPTY_INITIALIZER;
    struct cni_error *error = NULL;
    char *msg = NULL;

    if (spec->ips.n) {
        for (size_t i = 0; i < spec->ips.n && !msg; i++) {
            char *ip;
            msg = nb_addr_check_ip(usage, spec->ips.names[i], &ip);
            if (!msg) {
                svec_add_nocopy(&ips, ip);
            }
        }
        if (msg) {
            error = cni_error_from_string(CNI_ERR_ADDRESS_UNAVAILABLE, msg,
                                          NULL);
        }
    } else {
        msg = nb_addr_alloc_ips(usage, &ips);
        if (msg) {
            error = cni_error_from_string(CNI_ERR_NO_ADDRESS, msg, NULL);
        }
    }

    if (!error) {
        nbrec_port_set_ips(port, (const char **) ips.names, ips.n);
        char *mac = NULL;
        if (spec->mac) {
            msg = nb_addr_check_mac(usage, spec->mac, &mac);
            if (msg) {
                error = cni_error_from_string(CNI_ERR_ADDRESS_UNAVAILABLE,
                                              msg, NULL);
            }
        } else {
            mac = nb_addr_alloc_mac(usage, &ips);
        }
        if (mac) {
            nbrec_port_set_mac(port, mac);
            free(mac);
        }
    }
    svec_destroy(&ips);
    return error;
}

/* Creates the northbound port that 'spec' describes in network 'net_uuid'
 * on this chassis, with its requested addresses or with free ones, and
 * stores the port's addresses in 'spec'.  The ports of the network must be
 * watched (cni_nb_watch_ports()).  Returns NULL on success, otherwise an
 * error. */
struct cni_error *
cni_nb_port_create(struct cni_nb *nb, const struct uuid *net_uuid,
                   struct cni_nb_port *spec, long long int deadline)
{
    strip_prefix_lengths(&spec->ips);
    for (;;) {
        const struct nbrec_network *net = nbrec_network_get_for_uuid(
            nb->idl, net_uuid);
        if (!net) {
            return cni_error_create(CNI_ERR_INVALID_CONFIG, "the network "
                                    "was deleted");
        }
        if (cni_nb_find_port(nb, spec->name)) {
            return cni_error_create(CNI_ERR_NB, "port %s already exists (DEL "
                                    "the attachment first)", spec->name);
        }

        struct ovsdb_idl_txn *txn = ovsdb_idl_txn_create(nb->idl);
        ovsdb_idl_txn_add_comment(txn, "sluice-cni: ADD %s", spec->name);
        const struct nbrec_port *port = nbrec_port_insert(txn);
        nbrec_port_set_name(port, spec->name);
        nbrec_port_set_network(port, net);
        nbrec_port_set_chassis(port, cni_nb_find_chassis(nb));
        nbrec_port_set_container_id(port, spec->container_id);
        nbrec_port_set_container_interface(port, spec->ifname);
        nbrec_port_set_container_netns(port, spec->netns);
        int64_t mtu = spec->mtu;
        nbrec_port_set_mtu(port, &mtu, 1);

        struct nb_addr_usage usage;
        char *msg = nb_addr_usage_init(&usage, net, nb->idl, port);
        struct cni_error *error = NULL;
        if (msg) {
            error = cni_error_from_string(CNI_ERR_INVALID_CONFIG, msg, NULL);
        } else {
            error = choose_addresses(&usage, port, spec);
            nb_addr_usage_destroy(&usage);
        }
        if (error) {
            ovsdb_idl_txn_destroy(txn);
            return error;
        }
        nb_addr_claim(net);

        /* The port row is only readable until the commit, so save what it
         * got. */
        struct svec ips = SVEC_EMPTY_INITIALIZER;
        for (size_t i = 0; i < port->n_ips; i++) {
            svec_add(&ips, port->ips[i]);
        }
        char *mac = xstrdup(port->mac);

        enum ovsdb_idl_txn_status status = cni_idl_commit(txn, deadline,
                                                          &msg);
        ovsdb_idl_txn_destroy(txn);
        if (status == TXN_SUCCESS) {
            svec_destroy(&spec->ips);
            spec->ips = ips;
            free(spec->mac);
            spec->mac = mac;
            return NULL;
        }
        svec_destroy(&ips);
        free(mac);
        if (status != TXN_TRY_AGAIN) {
            error = cni_error_create(CNI_ERR_NB, "%s: creating port %s "
                                     "failed: %s", nb->remote, spec->name,
                                     msg);
            free(msg);
            return error;
        }
        VLOG_DBG("%s: allocation raced with another, trying again",
                 spec->name);
    }
}

/* Deletes port 'name', if it exists among the watched ports, which frees its
 * addresses.  Returns NULL on success, otherwise a malloc()'d error
 * message. */
char *
cni_nb_port_delete(struct cni_nb *nb, const char *name,
                   long long int deadline)
{
    for (;;) {
        const struct nbrec_port *port = cni_nb_find_port(nb, name);
        if (!port) {
            return NULL;
        }

        struct ovsdb_idl_txn *txn = ovsdb_idl_txn_create(nb->idl);
        ovsdb_idl_txn_add_comment(txn, "sluice-cni: DEL %s", name);
        nbrec_port_delete(port);
        char *error;
        enum ovsdb_idl_txn_status status = cni_idl_commit(txn, deadline,
                                                          &error);
        ovsdb_idl_txn_destroy(txn);
        if (status != TXN_TRY_AGAIN) {
            if (error) {
                char *msg = xasprintf("%s: deleting port %s failed: %s",
                                      nb->remote, name, error);
                free(error);
                return msg;
            }
            return NULL;
        }
    }
}

static bool
port_up_or_gone(struct ovsdb_idl *idl, const void *name)
{
    const struct nbrec_port *port = find_port(idl, name);
    return !port || (port->n_up && port->up[0]);
}

static bool
port_numbered_or_gone(struct ovsdb_idl *idl, const void *name)
{
    const struct nbrec_port *port = find_port(idl, name);
    return !port || port->n_ofport;
}

/* Waits until the controller of this chassis has installed the flows of
 * port 'name' for an OpenFlow port number that it reserved, and stores the
 * number in '*ofport'.  Returns NULL once it has, otherwise an error: the
 * port was deleted meanwhile, or 'deadline' passed. */
struct cni_error *
cni_nb_wait_reserved(struct cni_nb *nb, const char *name,
                     long long int deadline, int64_t *ofport)
{
    if (!cni_idl_wait_until(nb->idl, port_numbered_or_gone, name,
                            deadline)) {
        return cni_error_create(CNI_ERR_UP_TIMEOUT, "the controller did not "
                                "install the flows of port %s in time (is "
                                "sluice-controller running on chassis %s?)",
                                name, nb->chassis);
    }
    const struct nbrec_port *port = cni_nb_find_port(nb, name);
    if (!port) {
        return cni_error_create(CNI_ERR_NB, "port %s was deleted while "
                                "waiting for its flows", name);
    }
    *ofport = port->ofport[0];
    return NULL;
}

/* Waits until the controller of this chassis marks port 'name' up.  Returns
 * NULL once it has, otherwise an error: the port was deleted meanwhile, or
 * 'deadline' passed. */
struct cni_error *
cni_nb_wait_up(struct cni_nb *nb, const char *name, long long int deadline)
{
    if (!cni_idl_wait_until(nb->idl, port_up_or_gone, name, deadline)) {
        return cni_error_create(CNI_ERR_UP_TIMEOUT, "port %s did not come up "
                                "in time (is sluice-controller running on "
                                "chassis %s?)", name, nb->chassis);
    }
    if (!cni_nb_find_port(nb, name)) {
        return cni_error_create(CNI_ERR_NB, "port %s was deleted while "
                                "waiting for it to come up", name);
    }
    return NULL;
}
