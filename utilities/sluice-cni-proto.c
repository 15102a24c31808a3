/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE). */

#include <config.h>
#include "utilities/sluice-cni-proto.h"
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "openvswitch/json.h"
#include "util.h"

const char *const cni_supported_versions[] = { "1.0.0", "1.1.0" };
const size_t cni_n_supported_versions = ARRAY_SIZE(cni_supported_versions);

/* Defaults of the timeouts, in ms. */
#define DEFAULT_UP_TIMEOUT 30000
#define DEFAULT_DB_TIMEOUT 10000

/* Errors. */

/* Returns a new error with 'code' and a message formatted from 'format'. */
struct cni_error *
cni_error_create(int code, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    char *msg = xvasprintf(format, args);
    va_end(args);
    return cni_error_from_string(code, msg, NULL);
}

/* Returns a new error with 'code' that takes ownership of 'msg' and
 * 'details' (which may be NULL). */
struct cni_error *
cni_error_from_string(int code, char *msg, char *details)
{
    struct cni_error *error = xmalloc(sizeof *error);
    error->code = code;
    error->msg = msg;
    error->details = details;
    return error;
}

/* Frees 'error', which may be NULL. */
void
cni_error_destroy(struct cni_error *error)
{
    if (error) {
        free(error->msg);
        free(error->details);
        free(error);
    }
}

/* Returns 'error' as the JSON object that CNI prints for it, for a
 * configuration of CNI 'version'. */
struct json *
cni_error_to_json(const struct cni_error *error, const char *version)
{
    struct json *json = json_object_create();
    json_object_put_string(json, "cniVersion", version);
    json_object_put(json, "code", json_integer_create(error->code));
    json_object_put_string(json, "msg", error->msg);
    if (error->details) {
        json_object_put_string(json, "details", error->details);
    }
    return json;
}

/* Commands and the environment. */

static const char *const command_names[] = {
    [CNI_ADD] = "ADD",
    [CNI_DEL] = "DEL",
    [CNI_CHECK] = "CHECK",
    [CNI_GC] = "GC",
    [CNI_STATUS] = "STATUS",
    [CNI_VERSION] = "VERSION",
};

/* Returns the name of 'command' as CNI_COMMAND spells it. */
const char *
cni_command_name(enum cni_command command)
{
    return command_names[command];
}

static char *
env_get(const char *name)
{
    const char *value = getenv(name);
    return value && value[0] ? xstrdup(value) : NULL;
}

/* Container IDs: alphanumeric, '_', '.' and '-', starting alphanumeric. */
static bool
container_id_is_valid(const char *id)
{
    if (!isalnum((unsigned char) id[0])) {
        return false;
    }
    for (const char *p = id; *p; p++) {
        if (!isalnum((unsigned char) *p) && !strchr("_.-", *p)) {
            return false;
        }
    }
    return true;
}

/* Interface names: what Linux accepts. */
static bool
ifname_is_valid(const char *name)
{
    if (strlen(name) > 15 || !strcmp(name, ".") || !strcmp(name, "..")) {
        return false;
    }
    for (const char *p = name; *p; p++) {
        if (*p == '/' || *p == ':' || !isgraph((unsigned char) *p)) {
            return false;
        }
    }
    return true;
}

/* Parses CNI_ARGS, "KEY=VALUE;KEY=VALUE...", into 'args'. */
static struct cni_error *
parse_cni_args(const char *s, struct smap *args)
{
    char *copy = xstrdup(s);
    char *save_ptr = NULL;
    struct cni_error *error = NULL;

    for (char *pair = strtok_r(copy, ";", &save_ptr); pair;
         pair = strtok_r(NULL, ";", &save_ptr)) {
        char *eq = strchr(pair, '=');
        if (!eq || eq == pair) {
            error = cni_error_create(CNI_ERR_INVALID_ENV,
                                     "CNI_ARGS: \"%s\" is not KEY=VALUE",
                                     pair);
            break;
        }
        *eq = '\0';
        smap_replace(args, pair, eq + 1);
    }
    free(copy);
    return error;
}

/* Reads the CNI_* environment variables into 'env' and checks that the
 * command has what it needs.  Returns NULL on success, otherwise an error
 * (and then 'env' still needs cni_env_destroy()). */
struct cni_error *
cni_env_parse(struct cni_env *env)
{
    memset(env, 0, sizeof *env);
    smap_init(&env->args);

    const char *command = getenv("CNI_COMMAND");
    if (!command || !command[0]) {
        return cni_error_create(CNI_ERR_INVALID_ENV,
                                "CNI_COMMAND is not set");
    }
    size_t i;
    for (i = 0; i < ARRAY_SIZE(command_names); i++) {
        if (!strcmp(command, command_names[i])) {
            break;
        }
    }
    if (i >= ARRAY_SIZE(command_names)) {
        return cni_error_create(CNI_ERR_INVALID_ENV,
                                "CNI_COMMAND \"%s\" is not one of ADD, DEL, "
                                "CHECK, GC, STATUS and VERSION", command);
    }
    env->command = i;

    env->container_id = env_get("CNI_CONTAINERID");
    env->netns = env_get("CNI_NETNS");
    env->ifname = env_get("CNI_IFNAME");
    env->path = env_get("CNI_PATH");
    const char *args = getenv("CNI_ARGS");
    if (args && args[0]) {
        struct cni_error *error = parse_cni_args(args, &env->args);
        if (error) {
            return error;
        }
    }

    bool attach = (env->command == CNI_ADD || env->command == CNI_DEL
                   || env->command == CNI_CHECK);
    if (attach && !env->container_id) {
        return cni_error_create(CNI_ERR_INVALID_ENV,
                                "CNI_CONTAINERID is not set");
    }
    if (env->container_id && !container_id_is_valid(env->container_id)) {
        return cni_error_create(CNI_ERR_INVALID_ENV,
                                "CNI_CONTAINERID \"%s\" is invalid (letters, "
                                "digits, '_', '.' and '-', starting with a "
                                "letter or digit)", env->container_id);
    }
    if (attach && !env->ifname) {
        return cni_error_create(CNI_ERR_INVALID_ENV,
                                "CNI_IFNAME is not set");
    }
    if (env->ifname && !ifname_is_valid(env->ifname)) {
        return cni_error_create(CNI_ERR_INVALID_ENV,
                                "CNI_IFNAME \"%s\" is not a valid interface "
                                "name", env->ifname);
    }
    if ((env->command == CNI_ADD || env->command == CNI_CHECK)
        && !env->netns) {
        return cni_error_create(CNI_ERR_INVALID_ENV,
                                "CNI_NETNS is not set");
    }
    return NULL;
}

/* Frees what 'env' holds. */
void
cni_env_destroy(struct cni_env *env)
{
    free(env->container_id);
    free(env->netns);
    free(env->ifname);
    free(env->path);
    smap_destroy(&env->args);
}

/* Versions. */

static bool
version_parse(const char *s, int v[3])
{
    int n = 0;
    return (sscanf(s, "%d.%d.%d%n", &v[0], &v[1], &v[2], &n) == 3
            && !s[n]);
}

/* Returns true if 'version' is a version "X.Y.Z" no older than 'min'. */
bool
cni_version_at_least(const char *version, const char *min)
{
    int a[3], b[3];

    if (!version_parse(version, a) || !version_parse(min, b)) {
        return false;
    }
    for (int i = 0; i < 3; i++) {
        if (a[i] != b[i]) {
            return a[i] > b[i];
        }
    }
    return true;
}

static bool
version_is_supported(const char *version)
{
    for (size_t i = 0; i < cni_n_supported_versions; i++) {
        if (!strcmp(version, cni_supported_versions[i])) {
            return true;
        }
    }
    return false;
}

/* Configuration. */

static struct cni_error *
invalid_config(const char *format, ...)
    OVS_PRINTF_FORMAT(1, 2);

static struct cni_error *
invalid_config(const char *format, ...)
{
    va_list args;

    va_start(args, format);
    char *msg = xvasprintf(format, args);
    va_end(args);
    return cni_error_from_string(CNI_ERR_INVALID_CONFIG, msg, NULL);
}

/* Looks up 'key' in 'object' and stores it in '*value' if it has 'type'.
 * Returns an error if it exists with another type. */
static struct cni_error *
get_member(const struct json *object, const char *key, enum json_type type,
           const struct json **value)
{
    *value = shash_find_data(json_object(object), key);
    if (*value && (*value)->type != type) {
        const struct json *v = *value;
        *value = NULL;
        return invalid_config("\"%s\" must be %s, not %s", key,
                              type == JSON_OBJECT ? "an object"
                              : type == JSON_ARRAY ? "an array"
                              : "a string", json_type_to_string(v->type));
    }
    return NULL;
}

static struct cni_error *
get_string(const struct json *object, const char *key, char **value)
{
    const struct json *json;
    struct cni_error *error = get_member(object, key, JSON_STRING, &json);
    *value = json && json->string[0] ? xstrdup(json->string) : NULL;
    return error;
}

/* Parses boolean 'key' of 'object', if it is there, into '*value'. */
static struct cni_error *
get_bool(const struct json *object, const char *key, bool *value)
{
    const struct json *json = shash_find_data(json_object(object), key);
    if (json) {
        if (json->type != JSON_TRUE && json->type != JSON_FALSE) {
            return invalid_config("\"%s\" must be true or false, not %s",
                                  key, json_type_to_string(json->type));
        }
        *value = json->type == JSON_TRUE;
    }
    return NULL;
}

/* Parses timeout 'key' of 'object', a number of seconds, into '*ms'. */
static struct cni_error *
get_timeout(const struct json *object, const char *key, long long int *ms)
{
    const struct json *json = shash_find_data(json_object(object), key);
    if (!json) {
        return NULL;
    }

    double seconds = (json->type == JSON_INTEGER ? json->integer
                      : json->type == JSON_REAL ? json->real
                      : -1);
    if (!(seconds > 0 && seconds <= 3600)) {
        return invalid_config("\"%s\" must be a number of seconds greater "
                              "than 0, at most 3600", key);
    }
    *ms = llround(seconds * 1000);
    return NULL;
}

/* Appends to 'ips' the strings of array 'array', named 'what'. */
static struct cni_error *
get_ips(const struct json *array, const char *what, struct svec *ips)
{
    for (size_t i = 0; i < array->array.n; i++) {
        const struct json *ip = array->array.elems[i];
        if (ip->type != JSON_STRING) {
            return invalid_config("%s must hold strings", what);
        }
        svec_add(ips, ip->string);
    }
    return NULL;
}

/* The requested addresses: from the "ips" and "mac" capabilities in
 * "runtimeConfig", else from "args": {"cni": {"ips", "mac"}}, else from
 * CNI_ARGS IP= and MAC=. */
static struct cni_error *
parse_requests(struct cni_config *config, const struct cni_env *env)
{
    static const char *const sources[] = { "runtimeConfig", "args" };
    struct cni_error *error;

    for (size_t i = 0; i < ARRAY_SIZE(sources); i++) {
        const struct json *obj, *ips;
        char *mac;

        error = get_member(config->json, sources[i], JSON_OBJECT, &obj);
        if (!error && obj && i == 1) {
            error = get_member(obj, "cni", JSON_OBJECT, &obj);
        }
        if (error || !obj) {
            if (error) {
                return error;
            }
            continue;
        }
        error = get_member(obj, "ips", JSON_ARRAY, &ips);
        if (!error && ips && !config->ips.n) {
            error = get_ips(ips, sources[i], &config->ips);
        }
        if (!error) {
            error = get_string(obj, "mac", &mac);
        }
        if (error) {
            return error;
        }
        if (mac && !config->mac) {
            config->mac = mac;
        } else {
            free(mac);
        }
    }

    bool ignore_unknown = false;
    const char *ignore = smap_get(&env->args, "IgnoreUnknown");
    if (ignore) {
        ignore_unknown = (!strcmp(ignore, "1") || !strcasecmp(ignore, "true"));
    }
    struct smap_node *node;
    SMAP_FOR_EACH (node, &env->args) {
        if (!strcmp(node->key, "IP")) {
            if (!config->ips.n) {
                char *copy = xstrdup(node->value);
                char *save_ptr = NULL;
                for (char *ip = strtok_r(copy, ",", &save_ptr); ip;
                     ip = strtok_r(NULL, ",", &save_ptr)) {
                    svec_add(&config->ips, ip);
                }
                free(copy);
            }
        } else if (!strcmp(node->key, "MAC")) {
            if (!config->mac) {
                config->mac = xstrdup(node->value);
            }
        } else if (strcmp(node->key, "IgnoreUnknown") && !ignore_unknown) {
            return cni_error_create(CNI_ERR_UNSUPPORTED_FIELD,
                                    "CNI_ARGS: unknown key \"%s\" (sluice-cni "
                                    "knows IP and MAC; add IgnoreUnknown=1 to "
                                    "ignore others)", node->key);
        }
    }
    return NULL;
}

/* GC's "cni.dev/valid-attachments": [{"containerID", "ifname"}...]. */
static struct cni_error *
parse_valid_attachments(struct cni_config *config)
{
    const char *key = "cni.dev/valid-attachments";
    const struct json *list;
    struct cni_error *error = get_member(config->json, key, JSON_ARRAY,
                                         &list);
    if (error || !list) {
        return error;
    }

    for (size_t i = 0; i < list->array.n; i++) {
        const struct json *a = list->array.elems[i];
        const struct json *id = NULL, *ifname = NULL;
        if (a->type == JSON_OBJECT) {
            id = shash_find_data(json_object(a), "containerID");
            ifname = shash_find_data(json_object(a), "ifname");
        }
        if (!id || id->type != JSON_STRING
            || !ifname || ifname->type != JSON_STRING) {
            return invalid_config("%s must hold objects with strings "
                                  "\"containerID\" and \"ifname\"", key);
        }
        sset_add_and_free(&config->valid_attachments,
                          xasprintf("%s/%s", id->string, ifname->string));
    }
    return NULL;
}

/* Initializes 'config' as empty, with the defaults. */
void
cni_config_init(struct cni_config *config)
{
    memset(config, 0, sizeof *config);
    svec_init(&config->ips);
    sset_init(&config->valid_attachments);
    config->up_timeout = DEFAULT_UP_TIMEOUT;
    config->db_timeout = DEFAULT_DB_TIMEOUT;
    config->threaded_receive = true;
}

/* Parses 'text', the network configuration of an invocation with
 * environment 'env', into 'config', which must be freshly initialized.
 * Returns NULL on success, otherwise an error. */
struct cni_error *
cni_config_parse(struct cni_config *config, const char *text,
                 const struct cni_env *env)
{
    struct cni_error *error;

    config->json = json_from_string(text);
    if (config->json->type == JSON_STRING) {
        return cni_error_create(CNI_ERR_DECODE, "the network configuration "
                                "is not valid JSON: %s",
                                config->json->string);
    } else if (config->json->type != JSON_OBJECT) {
        return cni_error_create(CNI_ERR_DECODE, "the network configuration "
                                "is not a JSON object");
    }

    const struct json *obj = config->json;
    char *network = NULL;
    if ((error = get_string(obj, "cniVersion", &config->version))
        || (error = get_string(obj, "name", &config->name))
        || (error = get_string(obj, "network", &network))
        || (error = get_string(obj, "nb_remote", &config->nb_remote))
        || (error = get_string(obj, "bridge", &config->bridge))
        || (error = get_string(obj, "ovs_db", &config->ovs_db))
        || (error = get_string(obj, "host_netns", &config->host_netns))
        || (error = get_string(obj, "log_file", &config->log_file))
        || (error = get_timeout(obj, "up_timeout", &config->up_timeout))
        || (error = get_timeout(obj, "db_timeout", &config->db_timeout))
        || (error = get_bool(obj, "threaded_receive",
                             &config->threaded_receive))
        || (error = get_member(obj, "ipam", JSON_OBJECT, &config->ipam))
        || (error = get_member(obj, "dns", JSON_OBJECT, &config->dns))
        || (error = get_member(obj, "prevResult", JSON_OBJECT,
                               &config->prev_result))) {
        free(network);
        return error;
    }

    if (!config->version) {
        error = invalid_config("\"cniVersion\" is missing");
    } else if (!version_is_supported(config->version)) {
        error = cni_error_create(CNI_ERR_INCOMPATIBLE_VERSION,
                                 "CNI version %s is not supported (sluice-cni "
                                 "supports 1.0.0 and 1.1.0)",
                                 config->version);
    } else if (env->command == CNI_VERSION) {
        /* VERSION needs nothing else. */
    } else if (!config->name) {
        error = invalid_config("\"name\" is missing");
    } else if (!network) {
        error = invalid_config("\"network\" is missing (write "
                               "\"TENANT/NETWORK\")");
    } else {
        char *slash = strchr(network, '/');
        if (!slash || slash == network || !slash[1]
            || strchr(slash + 1, '/')) {
            error = invalid_config("\"network\": \"%s\" is not "
                                   "\"TENANT/NETWORK\"", network);
        } else {
            config->tenant = xmemdup0(network, slash - network);
            config->network = xstrdup(slash + 1);
        }
    }
    free(network);
    if (error) {
        return error;
    }

    if (config->ipam) {
        const struct json *type = shash_find_data(json_object(config->ipam),
                                                  "type");
        if (!type || type->type != JSON_STRING || !type->string[0]
            || strchr(type->string, '/')) {
            return invalid_config("\"ipam\" needs a \"type\", the name of "
                                  "an IPAM plugin");
        }
    }
    error = parse_requests(config, env);
    if (!error) {
        error = parse_valid_attachments(config);
    }
    return error;
}

/* Frees what 'config' holds. */
void
cni_config_destroy(struct cni_config *config)
{
    json_destroy(config->json);
    free(config->version);
    free(config->name);
    free(config->tenant);
    free(config->network);
    free(config->nb_remote);
    free(config->bridge);
    free(config->ovs_db);
    free(config->host_netns);
    free(config->log_file);
    svec_destroy(&config->ips);
    free(config->mac);
    sset_destroy(&config->valid_attachments);
}

/* Results. */

/* Initializes 'result' as empty. */
void
cni_result_init(struct cni_result *result)
{
    memset(result, 0, sizeof *result);
}

/* Frees what 'result' holds. */
void
cni_result_destroy(struct cni_result *result)
{
    for (size_t i = 0; i < result->n_interfaces; i++) {
        struct cni_interface *iface = &result->interfaces[i];
        free(iface->name);
        free(iface->mac);
        free(iface->sandbox);
    }
    free(result->interfaces);
    for (size_t i = 0; i < result->n_ips; i++) {
        free(result->ips[i].address);
        free(result->ips[i].gateway);
    }
    free(result->ips);
    for (size_t i = 0; i < result->n_routes; i++) {
        free(result->routes[i].dst);
        free(result->routes[i].gw);
    }
    free(result->routes);
    json_destroy(result->dns);
}

/* Adds an interface to 'result' and returns its index.  'mac' and 'sandbox'
 * may be NULL, 'mtu' 0. */
int
cni_result_add_interface(struct cni_result *result, const char *name,
                         const char *mac, int mtu, const char *sandbox)
{
    result->interfaces = xrealloc(result->interfaces,
                                  (result->n_interfaces + 1)
                                  * sizeof *result->interfaces);
    struct cni_interface *iface = &result->interfaces[result->n_interfaces];
    iface->name = xstrdup(name);
    iface->mac = nullable_xstrdup(mac);
    iface->mtu = mtu;
    iface->sandbox = nullable_xstrdup(sandbox);
    return result->n_interfaces++;
}

/* Adds address 'address' (IP/PLEN) with 'gateway' (may be NULL) on
 * interface number 'interface' (-1 for none) to 'result'. */
void
cni_result_add_ip(struct cni_result *result, const char *address,
                  const char *gateway, int interface)
{
    result->ips = xrealloc(result->ips,
                           (result->n_ips + 1) * sizeof *result->ips);
    struct cni_ip *ip = &result->ips[result->n_ips++];
    ip->address = xstrdup(address);
    ip->gateway = nullable_xstrdup(gateway);
    ip->interface = interface;
}

/* Adds a route to 'dst' (IP/PLEN) through 'gw' (may be NULL) to
 * 'result'. */
void
cni_result_add_route(struct cni_result *result, const char *dst,
                     const char *gw)
{
    result->routes = xrealloc(result->routes,
                              (result->n_routes + 1) * sizeof *result->routes);
    struct cni_route *route = &result->routes[result->n_routes++];
    route->dst = xstrdup(dst);
    route->gw = nullable_xstrdup(gw);
}

/* Returns the string member 'key' of object 'json', or NULL if it has none
 * (or it is not a string). */
static const char *
member_string(const struct json *json, const char *key)
{
    const struct json *value = shash_find_data(json_object(json), key);
    return value && value->type == JSON_STRING ? value->string : NULL;
}

/* Returns the array 'key' of object 'json' in '*array', NULL if absent. */
static struct cni_error *
member_array(const struct json *json, const char *key,
             const struct json **array)
{
    *array = shash_find_data(json_object(json), key);
    if (*array && (*array)->type != JSON_ARRAY) {
        return cni_error_create(CNI_ERR_DECODE, "result: \"%s\" is not an "
                                "array", key);
    }
    for (size_t i = 0; *array && i < (*array)->array.n; i++) {
        if ((*array)->array.elems[i]->type != JSON_OBJECT) {
            return cni_error_create(CNI_ERR_DECODE, "result: \"%s\" must "
                                    "hold objects", key);
        }
    }
    return NULL;
}

/* Parses 'json', a CNI result (of an IPAM plugin or a "prevResult"), into
 * 'result', which must be initialized.  Returns NULL on success, otherwise
 * an error with code CNI_ERR_DECODE. */
struct cni_error *
cni_result_from_json(struct cni_result *result, const struct json *json)
{
    const struct json *ifaces, *ips, *routes, *dns;
    struct cni_error *error;

    if (json->type != JSON_OBJECT) {
        return cni_error_create(CNI_ERR_DECODE, "result is not an object");
    }
    if ((error = member_array(json, "interfaces", &ifaces))
        || (error = member_array(json, "ips", &ips))
        || (error = member_array(json, "routes", &routes))) {
        return error;
    }

    for (size_t i = 0; ifaces && i < ifaces->array.n; i++) {
        const struct json *iface = ifaces->array.elems[i];
        const char *name = member_string(iface, "name");
        const struct json *mtu = shash_find_data(json_object(iface), "mtu");
        if (!name) {
            return cni_error_create(CNI_ERR_DECODE, "result: an interface "
                                    "has no name");
        }
        cni_result_add_interface(result, name, member_string(iface, "mac"),
                                 (mtu && mtu->type == JSON_INTEGER
                                  ? mtu->integer : 0),
                                 member_string(iface, "sandbox"));
    }
    for (size_t i = 0; ips && i < ips->array.n; i++) {
        const struct json *ip = ips->array.elems[i];
        const char *address = member_string(ip, "address");
        const struct json *idx = shash_find_data(json_object(ip),
                                                 "interface");
        if (!address || !strchr(address, '/')) {
            return cni_error_create(CNI_ERR_DECODE, "result: an IP has no "
                                    "\"address\" of the form IP/PLEN");
        }
        int interface = -1;
        if (idx) {
            if (idx->type != JSON_INTEGER || idx->integer < 0
                || idx->integer >= result->n_interfaces) {
                return cni_error_create(CNI_ERR_DECODE, "result: address %s "
                                        "refers to a missing interface",
                                        address);
            }
            interface = idx->integer;
        }
        cni_result_add_ip(result, address, member_string(ip, "gateway"),
                          interface);
    }
    for (size_t i = 0; routes && i < routes->array.n; i++) {
        const struct json *route = routes->array.elems[i];
        const char *dst = member_string(route, "dst");
        if (!dst) {
            return cni_error_create(CNI_ERR_DECODE, "result: a route has no "
                                    "\"dst\"");
        }
        cni_result_add_route(result, dst, member_string(route, "gw"));
    }
    dns = shash_find_data(json_object(json), "dns");
    if (dns && dns->type == JSON_OBJECT) {
        json_destroy(result->dns);
        result->dns = json_clone(dns);
    }
    return NULL;
}

/* Returns 'result' as JSON for a configuration of CNI 'version'.  An
 * interface's "mtu" appears from CNI 1.1.0 on. */
struct json *
cni_result_to_json(const struct cni_result *result, const char *version)
{
    struct json *json = json_object_create();
    json_object_put_string(json, "cniVersion", version);

    if (result->n_interfaces) {
        struct json *ifaces = json_array_create_empty();
        for (size_t i = 0; i < result->n_interfaces; i++) {
            const struct cni_interface *iface = &result->interfaces[i];
            struct json *j = json_object_create();
            json_object_put_string(j, "name", iface->name);
            if (iface->mac) {
                json_object_put_string(j, "mac", iface->mac);
            }
            if (iface->mtu && cni_version_at_least(version, "1.1.0")) {
                json_object_put(j, "mtu", json_integer_create(iface->mtu));
            }
            if (iface->sandbox) {
                json_object_put_string(j, "sandbox", iface->sandbox);
            }
            json_array_add(ifaces, j);
        }
        json_object_put(json, "interfaces", ifaces);
    }

    struct json *ips = json_array_create_empty();
    for (size_t i = 0; i < result->n_ips; i++) {
        const struct cni_ip *ip = &result->ips[i];
        struct json *j = json_object_create();
        json_object_put_string(j, "address", ip->address);
        if (ip->gateway) {
            json_object_put_string(j, "gateway", ip->gateway);
        }
        if (ip->interface >= 0) {
            json_object_put(j, "interface",
                            json_integer_create(ip->interface));
        }
        json_array_add(ips, j);
    }
    json_object_put(json, "ips", ips);

    if (result->n_routes) {
        struct json *routes = json_array_create_empty();
        for (size_t i = 0; i < result->n_routes; i++) {
            const struct cni_route *route = &result->routes[i];
            struct json *j = json_object_create();
            json_object_put_string(j, "dst", route->dst);
            if (route->gw) {
                json_object_put_string(j, "gw", route->gw);
            }
            json_array_add(routes, j);
        }
        json_object_put(json, "routes", routes);
    }

    json_object_put(json, "dns",
                    result->dns ? json_clone(result->dns)
                                : json_object_create());
    return json;
}
