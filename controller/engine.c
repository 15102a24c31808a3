/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE). */

#include <config.h>
#include "controller/engine.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(engine);

/* The current iteration of engine_run(). */
static uint64_t iteration;

/* Is the current engine_run() recomputing every node? */
static bool force_recompute;

static void engine_run_node(struct engine_node *);
static void engine_recompute(struct engine_node *, const char *why);

/* Makes 'input' an input of 'node', with 'handler' for its changes. */
void
engine_add_input(struct engine_node *node, struct engine_node *input,
                 enum engine_handled (*handler)(struct engine_node *,
                                                struct engine_node *))
{
    ovs_assert(node->n_inputs < ENGINE_MAX_INPUTS);
    node->inputs[node->n_inputs] = input;
    node->handlers[node->n_inputs] = handler;
    node->n_inputs++;
}

/* Brings 'root' and every node it depends on up to date, each node once,
 * from scratch if 'force'. */
void
engine_run(struct engine_node *root, bool force)
{
    iteration++;
    force_recompute = force;
    engine_run_node(root);
    force_recompute = false;
}

/* Returns true if 'node''s data changed in the latest engine_run(). */
bool
engine_node_updated(const struct engine_node *node)
{
    return node->updated;
}

/* Appends the statistics of the 'n' 'nodes' to 's'. */
void
engine_format_stats(struct engine_node **nodes, size_t n, struct ds *s)
{
    for (size_t i = 0; i < n; i++) {
        ds_put_format(s, "%s: recomputes %"PRIu64", handled %"PRIu64
                      ", unchanged %"PRIu64"\n", nodes[i]->name,
                      nodes[i]->n_recomputes, nodes[i]->n_handled,
                      nodes[i]->n_unchanged);
    }
}

static void
engine_run_node(struct engine_node *node)
{
    if (node->iteration == iteration) {
        return;
    }
    node->iteration = iteration;
    for (size_t i = 0; i < node->n_inputs; i++) {
        engine_run_node(node->inputs[i]);
    }

    if (!node->n_inputs) {
        /* A leaf: its 'run' says whether its source changed. */
        node->updated = node->run(node);
        return;
    }
    if (force_recompute) {
        engine_recompute(node, "forced");
        return;
    }

    node->updated = false;
    bool any_input = false;
    for (size_t i = 0; i < node->n_inputs; i++) {
        struct engine_node *input = node->inputs[i];
        if (!input->updated) {
            continue;
        }
        any_input = true;
        enum engine_handled h = (node->handlers[i]
                                 ? node->handlers[i](node, input)
                                 : ENGINE_UNHANDLED);
        if (h == ENGINE_UNHANDLED) {
            engine_recompute(node, input->name);
            return;
        }
        node->updated |= h == ENGINE_HANDLED_UPDATED;
    }
    if (any_input) {
        node->n_handled++;
    } else {
        node->n_unchanged++;
    }
}

static void
engine_recompute(struct engine_node *node, const char *why)
{
    VLOG_DBG("%s: recomputing (%s)", node->name, why);
    node->updated = node->run(node);
    node->n_recomputes++;
}
