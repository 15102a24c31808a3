/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * libFuzzer target for the decoders of the "steer" and "accept" actions.
 * Each input becomes a Nicira-extension action with the subtype of one of
 * them, which ofpacts_pull_openflow_actions() of the patched libopenvswitch
 * decodes as the given OpenFlow version would.  An action that decodes must
 * survive the round trips that ovs-ofctl and ovs-vswitchd make: encoding it
 * again and decoding the result, and printing it and parsing the text, must
 * give the same action.  A violation aborts, which libFuzzer reports as a
 * crash; so do sanitizer reports and leaks.
 *
 * Input layout:
 *
 *   byte 0      bits 0..2: OpenFlow version, 1.0 + value % 6;
 *               bit 3: 0 for "steer", 1 for "accept";
 *               bit 4: 0 to pad the action and set its length, 1 to take
 *               the length from bytes 1 and 2.
 *   the rest    the action after its 10-byte header (type, length, vendor,
 *               subtype), in the first case; the length, then that, in the
 *               second.
 *
 * Built by "make fuzz-ofproto-ext" with clang; see docs/ofproto-ext.md. */

#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "openflow/nicira-ext.h"
#include "openflow/openflow.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-protocol.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vlog.h"
#include "ofproto-ext/si-actions.h"
#include "util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc OVS_UNUSED, char ***argv)
{
    set_program_name((*argv)[0]);

    /* Malformed actions are the common case; logging them would only slow
     * the fuzzer down. */
    vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_OFF);
    return 0;
}

/* Formats the 'ofpacts' in 'ofpacts' into a new string. */
static char *
format_ofpacts(const struct ofpbuf *ofpacts)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    struct ofpact_format_params fp = { .s = &s };

    ofpacts_format(ofpacts->data, ofpacts->size, &fp);
    return ds_steal_cstr(&s);
}

static void OVS_NO_RETURN
fail(const char *what, const char *a, const char *b)
{
    ovs_abort(0, "%s:\n  %s\n  %s", what, a, b ? b : "");
}

/* Checks the round trips of 'ofpacts', which holds exactly one decoded
 * "steer" or "accept" action, in OpenFlow 'version'. */
static void
check_round_trips(const struct ofpbuf *ofpacts, enum ofp_version version)
{
    char *text = format_ofpacts(ofpacts);

    /* Encode, decode, and compare the text. */
    struct ofpbuf openflow, again;
    ofpbuf_init(&openflow, 64);
    ofpbuf_init(&again, 64);
    ofpacts_put_openflow_actions(ofpacts->data, ofpacts->size, &openflow,
                                 version);
    enum ofperr error = ofpacts_pull_openflow_actions(&openflow,
                                                      openflow.size, version,
                                                      NULL, NULL, &again);
    if (error) {
        fail("re-encoded action does not decode", text,
             ofperr_get_name(error));
    }
    char *text2 = format_ofpacts(&again);
    if (strcmp(text, text2)) {
        fail("re-encoded action differs", text, text2);
    }
    free(text2);

    /* Parse the text and compare. */
    enum ofputil_protocol usable_protocols;
    struct ofpact_parse_params pp = {
        .ofpacts = &again,
        .usable_protocols = &usable_protocols,
    };
    ofpbuf_clear(&again);
    char *perror = ofpacts_parse_actions(text, &pp);
    if (perror) {
        fail("printed action does not parse", text, perror);
    }
    text2 = format_ofpacts(&again);
    if (strcmp(text, text2)) {
        fail("parsed action differs", text, text2);
    }
    free(text2);

    /* Check it against a switch with every port and table, any match. */
    struct match match;
    match_init_catchall(&match);
    struct ofpact_check_params cp = {
        .match = &match,
        .max_ports = OFPP_MAX,
        .table_id = 0,
        .n_tables = 255,
    };
    ofpacts_check(again.data, again.size, &cp);

    ofpbuf_uninit(&openflow);
    ofpbuf_uninit(&again);
    free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum ofp_version versions[] = {
        OFP10_VERSION, OFP11_VERSION, OFP12_VERSION,
        OFP13_VERSION, OFP14_VERSION, OFP15_VERSION,
    };

    if (size < 1) {
        return 0;
    }
    enum ofp_version version = versions[(data[0] & 7) % ARRAY_SIZE(versions)];
    bool is_accept = data[0] & 0x08;
    bool raw_length = data[0] & 0x10;
    data++;
    size--;

    struct ofpbuf openflow;
    ofpbuf_init(&openflow, 16 + size);

    struct ext_header {
        ovs_be16 type;
        ovs_be16 len;
        ovs_be32 vendor;
        ovs_be16 subtype;
    } hdr = {
        .type = htons(0xffff),          /* OFPAT_VENDOR. */
        .vendor = htonl(NX_VENDOR_ID),
        .subtype = htons(is_accept ? NXAST_ACCEPT_SUBTYPE
                                   : NXAST_STEER_SUBTYPE),
    };
    if (raw_length) {
        if (size < 2) {
            ofpbuf_uninit(&openflow);
            return 0;
        }
        memcpy(&hdr.len, data, sizeof hdr.len);
        data += 2;
        size -= 2;
        ofpbuf_put(&openflow, &hdr, 10);
        ofpbuf_put(&openflow, data, size);
    } else {
        ofpbuf_put(&openflow, &hdr, 10);
        ofpbuf_put(&openflow, data, size);
        ofpbuf_put_zeros(&openflow, PAD_SIZE(openflow.size, 8));
        ovs_be16 len = htons(MIN(openflow.size, UINT16_MAX & ~7));
        memcpy((char *) openflow.data + 2, &len, sizeof len);
    }

    struct ofpbuf ofpacts;
    ofpbuf_init(&ofpacts, 0);
    enum ofperr error = ofpacts_pull_openflow_actions(&openflow,
                                                      openflow.size, version,
                                                      NULL, NULL, &ofpacts);
    if (!error && ofpacts.size) {
        const struct ofpact *a = ofpacts.data;

        if ((a->type == OFPACT_STEER || a->type == OFPACT_ACCEPT)
            && ofpact_next(a) == ofpact_end(ofpacts.data, ofpacts.size)) {
            check_round_trips(&ofpacts, version);
        }
    }
    ofpbuf_uninit(&ofpacts);
    ofpbuf_uninit(&openflow);
    return 0;
}
