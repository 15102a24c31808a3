/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE). */

#include <config.h>
#include "controller/switch.h"
#include <stdlib.h>
#include "controller/ofctrl.h"
#include "lib/sluice-nb-idl.h"
#include "openvswitch/dynamic-string.h"
#include "simap.h"
#include "util.h"

/* Creates the state of the switch that 'ofctrl' connects to, and that 'name'
 * describes, with flows from the northbound database 'nb' (whose ports
 * 'port_by_name' indexes by name).  Takes ownership of 'ofctrl'. */
struct switch_ctx *
switch_ctx_create(const char *name, struct ofctrl *ofctrl,
                  struct ovsdb_idl *nb, struct ovsdb_idl_index *port_by_name)
{
    struct switch_ctx *sw = xzalloc(sizeof *sw);
    sw->name = xstrdup(name);
    sw->ofctrl = ofctrl;
    switch_ports_init(&sw->ports);
    flow_engine_init(&sw->engine, nb, port_by_name);
    binding_acks_init(&sw->acks);
    sw->force_recompute = true;
    return sw;
}

void
switch_ctx_destroy(struct switch_ctx *sw)
{
    if (sw) {
        binding_acks_destroy(&sw->acks);
        flow_engine_destroy(&sw->engine);
        switch_ports_destroy(&sw->ports);
        ofctrl_destroy(sw->ofctrl);
        free(sw->name);
        free(sw);
    }
}

/* Brings the desired flows, and what remains to be reported about the
 * switch's ports, up to date with the northbound database's changes (which
 * must not have been cleared yet) and with the switch's ports. */
void
switch_ctx_run(struct switch_ctx *sw)
{
    const struct local_state *ls = &sw->engine.local_state;

    flow_engine_run(&sw->engine, &sw->ports, sw->force_recompute);
    binding_update(&sw->acks, ls->nb, sw->engine.flows_state.port_by_name,
                   &ls->bindings, &ls->changed, &ls->gone,
                   sw->force_recompute || ls->identity_changed, ls->chassis);
    sw->force_recompute = false;
}

/* Sends the switch what changed in its desired flows, and writes to the
 * northbound database, in 'nb_txn', what the switch has acknowledged. */
void
switch_ctx_put(struct switch_ctx *sw, struct ovsdb_idl_txn *nb_txn,
               struct ovsdb_idl *nb, struct ovsdb_idl_index *port_by_name)
{
    const struct local_state *ls = &sw->engine.local_state;
    const struct nbrec_nb_global *g = nbrec_nb_global_first(nb);

    uint64_t put_seq = ofctrl_put(sw->ofctrl, &sw->engine.flows_state.table);
    binding_note_put(&sw->acks, g ? g->nb_cfg : 0, put_seq);
    binding_report(&sw->acks, nb_txn, port_by_name, ls->chassis,
                   ofctrl_get_acked(sw->ofctrl));
}

/* Appends to 's' a description of the switch's state. */
void
switch_ctx_status(const struct switch_ctx *sw, struct ds *s)
{
    const struct local_state *ls = &sw->engine.local_state;

    ofctrl_status(sw->ofctrl, s);
    ds_put_format(s, "local ports: %"PRIuSIZE"\n",
                  simap_count(&ls->bindings));
    ds_put_format(s, "desired flows: %"PRIuSIZE"\n",
                  sw->engine.flows_state.table.n_flows);
}
