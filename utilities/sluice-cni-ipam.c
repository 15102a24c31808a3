/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE). */

#include <config.h>
#include "utilities/sluice-cni-ipam.h"
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/vlog.h"
#include "process.h"
#include "svec.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(cni_ipam);

extern char **environ;

/* Returns the malloc()'d path of plugin 'type' in 'path' (CNI_PATH), or
 * NULL. */
static char *
find_plugin(const char *path, const char *type)
{
    char *dirs = xstrdup(path ? path : "");
    char *save_ptr = NULL;
    char *found = NULL;

    for (char *dir = strtok_r(dirs, ":", &save_ptr); dir && !found;
         dir = strtok_r(NULL, ":", &save_ptr)) {
        char *file = xasprintf("%s/%s", dir, type);
        if (!access(file, X_OK)) {
            found = file;
        } else {
            free(file);
        }
    }
    free(dirs);
    return found;
}

/* Returns the environment for the plugin: ours, with CNI_COMMAND,
 * CNI_CONTAINERID and CNI_IFNAME replaced. */
static void
plugin_environment(struct svec *env, enum cni_command command,
                   const char *container_id, const char *ifname)
{
    for (char **e = environ; *e; e++) {
        if (strncmp(*e, "CNI_COMMAND=", 12)
            && strncmp(*e, "CNI_CONTAINERID=", 16)
            && strncmp(*e, "CNI_IFNAME=", 11)) {
            svec_add(env, *e);
        }
    }
    svec_add_nocopy(env, xasprintf("CNI_COMMAND=%s",
                                   cni_command_name(command)));
    if (container_id) {
        svec_add_nocopy(env, xasprintf("CNI_CONTAINERID=%s", container_id));
    }
    if (ifname) {
        svec_add_nocopy(env, xasprintf("CNI_IFNAME=%s", ifname));
    }
    svec_terminate(env);
}

/* Runs 'program' with 'env', writes 'input' to its standard input and reads
 * its standard output into 'output'.  Returns 0 and its wait status in
 * '*status', or a positive errno value. */
static int
run_plugin(const char *program, const struct svec *env, const char *input,
           struct ds *output, int *status)
{
    int in[2], out[2];

    if (pipe2(in, O_CLOEXEC)) {
        return errno;
    }
    if (pipe2(out, O_CLOEXEC)) {
        int error = errno;
        close(in[0]);
        close(in[1]);
        return error;
    }

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    char *argv[] = { CONST_CAST(char *, program), NULL };
    pid_t pid;
    int error = posix_spawn(&pid, program, &actions, NULL, argv, env->names);
    posix_spawn_file_actions_destroy(&actions);
    close(in[0]);
    close(out[1]);
    if (error) {
        close(in[1]);
        close(out[0]);
        return error;
    }

    /* Configurations are small: the plugin reads all of its input before it
     * writes its result, so writing first cannot deadlock. */
    size_t len = strlen(input);
    for (size_t ofs = 0; ofs < len; ) {
        ssize_t n = write(in[1], input + ofs, len - ofs);
        if (n < 0 && errno != EINTR) {
            break;
        }
        ofs += MAX(n, 0);
    }
    close(in[1]);

    for (;;) {
        char buf[4096];
        ssize_t n = read(out[0], buf, sizeof buf);
        if (n > 0) {
            ds_put_buffer(output, buf, n);
        } else if (!n || errno != EINTR) {
            break;
        }
    }
    close(out[0]);

    while (waitpid(pid, status, 0) < 0) {
        if (errno != EINTR) {
            return errno;
        }
    }
    return 0;
}

/* Runs the IPAM plugin of 'config' for 'command' on the attachment
 * 'container_id' and 'ifname' (NULL: those of 'env').  For ADD, stores its
 * result in 'result'.  Returns NULL on success, otherwise an error with code
 * CNI_ERR_IPAM that carries the plugin's message. */
struct cni_error *
cni_ipam_exec(const struct cni_config *config, const struct cni_env *env,
              enum cni_command command, const char *container_id,
              const char *ifname, struct cni_result *result)
{
    const struct json *type_json = shash_find_data(json_object(config->ipam),
                                                   "type");
    const char *type = json_string(type_json);
    char *program = find_plugin(env->path, type);
    if (!program) {
        return cni_error_create(CNI_ERR_IPAM, "IPAM plugin %s is not in "
                                "CNI_PATH (%s)", type,
                                env->path ? env->path : "not set");
    }

    struct svec penv = SVEC_EMPTY_INITIALIZER;
    plugin_environment(&penv, command,
                       container_id ? container_id : env->container_id,
                       ifname ? ifname : env->ifname);
    char *input = json_to_string(config->json, 0);
    struct ds output = DS_EMPTY_INITIALIZER;
    int status;
    int retval = run_plugin(program, &penv, input, &output, &status);
    free(input);
    svec_destroy(&penv);

    struct cni_error *error = NULL;
    if (retval) {
        error = cni_error_create(CNI_ERR_IPAM, "running IPAM plugin %s "
                                 "failed (%s)", program,
                                 ovs_strerror(retval));
    } else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
        /* The plugin's own error, if it printed one. */
        struct json *json = json_from_string(ds_cstr(&output));
        const struct json *msg = NULL, *details = NULL, *code = NULL;
        if (json->type == JSON_OBJECT) {
            msg = shash_find_data(json_object(json), "msg");
            details = shash_find_data(json_object(json), "details");
            code = shash_find_data(json_object(json), "code");
        }
        char *status_msg = process_status_msg(status);
        error = cni_error_from_string(
            CNI_ERR_IPAM,
            xasprintf("IPAM plugin %s %s failed: %s (code %lld, %s)", type,
                      cni_command_name(command),
                      msg && msg->type == JSON_STRING ? msg->string : "",
                      code && code->type == JSON_INTEGER ? code->integer : 0,
                      status_msg),
            (details && details->type == JSON_STRING
             ? xstrdup(details->string) : NULL));
        free(status_msg);
        json_destroy(json);
    } else if (result) {
        struct json *json = json_from_string(ds_cstr(&output));
        error = cni_result_from_json(result, json);
        if (error) {
            error->code = CNI_ERR_IPAM;
            char *msg = xasprintf("IPAM plugin %s: %s", type, error->msg);
            free(error->msg);
            error->msg = msg;
        }
        json_destroy(json);
    }
    if (!error) {
        VLOG_INFO("IPAM plugin %s %s: done", type, cni_command_name(command));
    }
    ds_destroy(&output);
    free(program);
    return error;
}
