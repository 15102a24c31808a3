/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * A small incremental processing engine, after the idea of OVN's
 * lib/inc-proc-eng.h.  Nodes form a graph: each node owns some data that it
 * computes from its inputs.  When an input changes, the node's handler for
 * that input updates the data incrementally; a node without a handler for
 * the input, or whose handler gives up, recomputes its data from scratch
 * with its 'run' function.  A full recompute, which must produce exactly
 * the same data as the incremental path, can be forced at any time.
 * Several independent graphs may coexist. */

#ifndef ENGINE_H
#define ENGINE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ds;

#define ENGINE_MAX_INPUTS 8

/* What a change handler achieved. */
enum engine_handled {
    ENGINE_UNHANDLED,           /* Could not: recompute the node. */
    ENGINE_HANDLED_UPDATED,     /* Handled; the node's data changed. */
    ENGINE_HANDLED_UNCHANGED,   /* Handled; the node's data did not change. */
};

/* One node of the graph. */
struct engine_node {
    const char *name;

    /* The node's inputs, and for each the handler of its changes (NULL:
     * always recompute). */
    struct engine_node *inputs[ENGINE_MAX_INPUTS];
    enum engine_handled (*handlers[ENGINE_MAX_INPUTS])(
        struct engine_node *, struct engine_node *input);
    size_t n_inputs;

    /* Recomputes the node's data from its inputs (a leaf node: checks its
     * source for changes).  Returns true if the data changed. */
    bool (*run)(struct engine_node *);

    void *data;                 /* The node's data. */

    /* Private to the engine. */
    uint64_t iteration;         /* Iteration in which the node last ran. */
    bool updated;               /* Whether its data changed in it. */
    uint64_t n_recomputes;      /* Statistics. */
    uint64_t n_handled;
    uint64_t n_unchanged;
};

void engine_add_input(struct engine_node *, struct engine_node *input,
                      enum engine_handled (*handler)(
                          struct engine_node *, struct engine_node *));
void engine_run(struct engine_node *root, bool force);
bool engine_node_updated(const struct engine_node *);
void engine_format_stats(struct engine_node **, size_t n, struct ds *);

#endif /* engine.h */
