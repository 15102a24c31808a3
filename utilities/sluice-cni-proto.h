/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * The CNI protocol as sluice-cni speaks it (CNI 1.0.0 and 1.1.0): the
 * CNI_* environment, the network configuration on standard input with the
 * keys that sluice-cni understands, results, and errors with their codes.
 * Nothing here touches the system; sluice-cni.c does. */

#ifndef SLUICE_CNI_PROTO_H
#define SLUICE_CNI_PROTO_H 1

#include <stdbool.h>
#include <stddef.h>
#include "compiler.h"
#include "smap.h"
#include "sset.h"
#include "svec.h"

struct json;

/* The CNI versions that sluice-cni implements, oldest first. */
extern const char *const cni_supported_versions[];
extern const size_t cni_n_supported_versions;

/* The newest supported version, for replies that precede a configuration. */
#define CNI_LATEST_VERSION "1.1.0"

/* Error codes: the CNI specification's well-known codes, then sluice-cni's
 * own (100 and above), which sluice-cni(8) documents. */
enum cni_error_code {
    CNI_ERR_INCOMPATIBLE_VERSION = 1,
    CNI_ERR_UNSUPPORTED_FIELD = 2,
    CNI_ERR_UNKNOWN_CONTAINER = 3,
    CNI_ERR_INVALID_ENV = 4,
    CNI_ERR_IO = 5,
    CNI_ERR_DECODE = 6,
    CNI_ERR_INVALID_CONFIG = 7,
    CNI_ERR_TRY_AGAIN = 11,
    CNI_ERR_NOT_AVAILABLE = 50,

    CNI_ERR_NB = 100,               /* A northbound transaction failed. */
    CNI_ERR_OVS = 101,              /* The local Open vSwitch refused. */
    CNI_ERR_NETLINK = 102,          /* Configuring an interface failed. */
    CNI_ERR_IFNAME_TAKEN = 103,     /* CNI_IFNAME exists in the container. */
    CNI_ERR_NO_ADDRESS = 104,       /* A subnet of the network is full. */
    CNI_ERR_ADDRESS_UNAVAILABLE = 105, /* A requested address is unusable. */
    CNI_ERR_UP_TIMEOUT = 106,       /* The port did not come up in time. */
    CNI_ERR_IPAM = 107,             /* The IPAM plugin failed. */
    CNI_ERR_CHECK_INTERFACE = 110,  /* CHECK: the interface is missing. */
    CNI_ERR_CHECK_ADDRESS = 111,    /* CHECK: an address is missing. */
    CNI_ERR_CHECK_ROUTE = 112,      /* CHECK: a route is missing. */
    CNI_ERR_CHECK_OVS_PORT = 113,   /* CHECK: the OVS port is missing. */
    CNI_ERR_CHECK_NB_PORT = 114,    /* CHECK: the northbound port is missing
                                     * or down. */
};

/* A CNI error, printed as {"cniVersion", "code", "msg", "details"}. */
struct cni_error {
    int code;                   /* One of enum cni_error_code. */
    char *msg;                  /* Short description. */
    char *details;              /* Longer description, or NULL. */
};

struct cni_error *cni_error_create(int code, const char *format, ...)
    OVS_PRINTF_FORMAT(2, 3) OVS_WARN_UNUSED_RESULT;
struct cni_error *cni_error_from_string(int code, char *msg, char *details)
    OVS_WARN_UNUSED_RESULT;
void cni_error_destroy(struct cni_error *);
struct json *cni_error_to_json(const struct cni_error *,
                               const char *version);

/* The CNI commands. */
enum cni_command {
    CNI_ADD,
    CNI_DEL,
    CNI_CHECK,
    CNI_GC,
    CNI_STATUS,
    CNI_VERSION,
};

const char *cni_command_name(enum cni_command);

/* The CNI_* environment of one invocation. */
struct cni_env {
    enum cni_command command;   /* CNI_COMMAND. */
    char *container_id;         /* CNI_CONTAINERID, or NULL. */
    char *netns;                /* CNI_NETNS, or NULL. */
    char *ifname;               /* CNI_IFNAME, or NULL. */
    char *path;                 /* CNI_PATH, or NULL. */
    struct smap args;           /* CNI_ARGS, as KEY=VALUE pairs. */
};

struct cni_error *cni_env_parse(struct cni_env *) OVS_WARN_UNUSED_RESULT;
void cni_env_destroy(struct cni_env *);

/* The network configuration given on standard input, with sluice-cni's
 * keys (see sluice-cni(8)) and the conventional ones it honours. */
struct cni_config {
    struct json *json;          /* The whole configuration, as given. */
    char *version;              /* "cniVersion". */
    char *name;                 /* "name": the runtime's network name. */
    char *tenant;               /* "network": "TENANT/NETWORK"... */
    char *network;              /* ...split. */
    char *nb_remote;            /* "nb_remote", or NULL. */
    char *bridge;               /* "bridge", or NULL. */
    char *ovs_db;               /* "ovs_db", or NULL. */
    char *host_netns;           /* "host_netns", or NULL. */
    char *log_file;             /* "log_file", or NULL. */
    long long int up_timeout;   /* "up_timeout", in ms. */
    long long int db_timeout;   /* "db_timeout", in ms. */
    bool threaded_receive;      /* "threaded_receive" (default true). */
    const struct json *ipam;    /* "ipam" object, or NULL. */
    const struct json *dns;     /* "dns" object, or NULL. */
    const struct json *prev_result; /* "prevResult", or NULL. */
    struct svec ips;            /* Requested addresses, possibly with a
                                 * prefix length. */
    char *mac;                  /* Requested MAC address, or NULL. */
    struct sset valid_attachments; /* GC: "cni.dev/valid-attachments", as
                                    * "CONTAINERID/IFNAME" strings. */
};

void cni_config_init(struct cni_config *);
struct cni_error *cni_config_parse(struct cni_config *, const char *text,
                                   const struct cni_env *)
    OVS_WARN_UNUSED_RESULT;
void cni_config_destroy(struct cni_config *);
bool cni_version_at_least(const char *version, const char *min);

/* One interface of a result. */
struct cni_interface {
    char *name;                 /* Interface name. */
    char *mac;                  /* May be NULL. */
    int mtu;                    /* 0 if unknown. */
    char *sandbox;              /* Netns path, NULL for a host interface. */
};

/* One address of a result. */
struct cni_ip {
    char *address;              /* IP/PLEN. */
    char *gateway;              /* May be NULL. */
    int interface;              /* Index in 'interfaces', -1 if none. */
};

/* One route of a result. */
struct cni_route {
    char *dst;                  /* IP/PLEN. */
    char *gw;                   /* May be NULL. */
};

/* A CNI result: what ADD returns, an IPAM plugin returns, or "prevResult"
 * holds. */
struct cni_result {
    struct cni_interface *interfaces; /* "interfaces", in order. */
    size_t n_interfaces;
    struct cni_ip *ips;         /* "ips". */
    size_t n_ips;
    struct cni_route *routes;   /* "routes". */
    size_t n_routes;
    struct json *dns;           /* "dns" object, or NULL. */
};

void cni_result_init(struct cni_result *);
void cni_result_destroy(struct cni_result *);
int cni_result_add_interface(struct cni_result *, const char *name,
                             const char *mac, int mtu, const char *sandbox);
void cni_result_add_ip(struct cni_result *, const char *address,
                       const char *gateway, int interface);
void cni_result_add_route(struct cni_result *, const char *dst,
                          const char *gw);
struct cni_error *cni_result_from_json(struct cni_result *,
                                       const struct json *)
    OVS_WARN_UNUSED_RESULT;
struct json *cni_result_to_json(const struct cni_result *,
                                const char *version);

#endif /* sluice-cni-proto.h */
