/* Parsing a command line from the option tables, and help printed from them. */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/errors.h"
#include "cli.h"
#include "config.h"

#define MAX_OPTIONS    64
#define LONG_ONLY_BASE 0x100

static size_t count_options(const struct cli_option *opts)
{
        size_t n = 0;
        while (opts && opts[n].name)
                n++;
        return n;
}

/* The global options and the command's, as one list. */
static size_t collect(const struct command *cmd, const struct cli_option **all)
{
        size_t n = 0;

        for (const struct cli_option *o = global_options; o->name; o++)
                all[n++] = o;
        for (const struct cli_option *o = cmd ? cmd->options : NULL; o && o->name; o++)
                if (n < MAX_OPTIONS)
                        all[n++] = o;
        return n;
}

__attribute__((format(printf, 2, 3))) static int usage_error(const struct command *cmd,
                                                             const char *fmt, ...)
{
        const char *name = settings.command ? settings.command : cmd ? cmd->name : NULL;
        char text[512];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(text, sizeof(text), fmt, ap);
        va_end(ap);
        /* main() prints it, after the command's name when there is one. */
        if (name)
                return error_set(EXIT_USAGE, "%s; see `tpmctl %s --help`", text, name);
        return error_set(EXIT_USAGE, "%s; see `tpmctl --help`", text);
}

static int store_value(const struct command *cmd, const struct cli_option *o, const char *arg)
{
        char *end;
        unsigned long v;

        switch (o->type) {
        case OPT_FLAG:
                *(bool *)o->value = true;
                return 0;
        case OPT_STRING:
                *(const char **)o->value = arg;
                return 0;
        case OPT_UINT:
                errno = 0;
                v = strtoul(arg, &end, 10);
                if (errno || end == arg || *end || arg[0] == '-' || v > UINT_MAX) {
                        char what[256];
                        snprintf(what, sizeof(what), "--%s %s", o->name, arg);
                        return usage_error(cmd, "%s: not a whole number", what);
                }
                *(unsigned *)o->value = (unsigned)v;
                return 0;
        }
        return 0;
}

int parse_command_line(const struct command *cmd, int words, int *argc, char ***argv)
{
        const struct cli_option *all[MAX_OPTIONS];
        struct option longopts[MAX_OPTIONS + 1];
        /* "-": words that are not options come back in order (as 1), also
         * under POSIXLY_CORRECT, which would otherwise end option parsing at
         * the command word; ":": we report missing arguments ourselves. */
        char shortopts[2 * MAX_OPTIONS + 3] = "-:";
        size_t n = collect(cmd, all), s = 2;
        char **args = *argv;
        int c, kept = 1, positional;

        memset(longopts, 0, sizeof(longopts));
        for (size_t i = 0; i < n; i++) {
                longopts[i].name = all[i]->name;
                longopts[i].has_arg = all[i]->type == OPT_FLAG ? no_argument : required_argument;
                longopts[i].val = LONG_ONLY_BASE + (int)i;
                if (all[i]->short_name) {
                        shortopts[s++] = all[i]->short_name;
                        if (all[i]->type != OPT_FLAG)
                                shortopts[s++] = ':';
                }
        }
        shortopts[s] = '\0';

        opterr = 0;
        optind = 0;
        while ((c = getopt_long(*argc, args, shortopts, longopts, NULL)) != -1) {
                const struct cli_option *o = NULL;
                int r;

                if (c == 1) {
                        /* getopt is past this word: its slot can take the
                         * positional words in the order they came. */
                        args[kept++] = optarg;
                        continue;
                }
                if (c >= LONG_ONLY_BASE)
                        o = all[c - LONG_ONLY_BASE];
                for (size_t i = 0; !o && i < n; i++)
                        if (all[i]->short_name && all[i]->short_name == c)
                                o = all[i];
                if (c == '?' || c == ':') {
                        const char *bad = args[optind - 1];
                        return usage_error(
                            cmd, c == ':' ? "option %s needs an argument" : "unknown option %s",
                            bad);
                }
                if ((r = store_value(cmd, o, optarg)))
                        return r;
        }
        while (optind < *argc) /* the words after "--" */
                args[kept++] = args[optind++];
        if (opt_help) {
                print_help(cmd);
                return -1;
        }
        if (opt_version) {
                printf("tpmctl %s\n", TPMCTL_VERSION);
                return -1;
        }

        positional = kept - 1 - words;
        *argv = args + 1 + words;
        *argc = positional;
        if (cmd && positional < cmd->min_args)
                return usage_error(cmd, "missing argument: %s", cmd->args ? cmd->args : "");
        if (cmd && cmd->max_args >= 0 && positional > cmd->max_args)
                return usage_error(cmd, "unexpected argument %s", (*argv)[cmd->max_args]);
        return 0;
}

static void print_options(const struct cli_option *opts)
{
        for (size_t i = 0; i < count_options(opts); i++) {
                const struct cli_option *o = &opts[i];
                char left[64];

                snprintf(left, sizeof(left), "%c%c%s--%s%s%s", o->short_name ? '-' : ' ',
                         o->short_name ? o->short_name : ' ', o->short_name ? ", " : "  ", o->name,
                         o->arg ? " " : "", o->arg ? o->arg : "");
                printf("  %-28s %s\n", left, o->help);
        }
}

void print_help(const struct command *cmd)
{
        const char *name;

        if (!cmd) {
                printf("Usage: tpmctl [GLOBAL OPTIONS] COMMAND [ARGS]\n\n"
                       "Keys, signatures and sealed secrets in a TPM 2.0, from the shell.\n\n"
                       "Commands:\n");
                for (size_t i = 0; commands[i]; i++)
                        printf("  %-14s %s\n", commands[i]->name, commands[i]->summary);
                printf("\nGlobal options (before or after COMMAND):\n");
                print_options(global_options);
                printf("\nRun `tpmctl help COMMAND` for a command's options; `man tpmctl` for "
                       "exit codes and examples.\n");
                return;
        }
        name = settings.command ? settings.command : cmd->name;
        printf("Usage: tpmctl [GLOBAL OPTIONS] %s%s%s\n\n%s\n", name, cmd->args ? " " : "",
               cmd->args ? cmd->args : "", cmd->summary);
        if (cmd->details)
                printf("\n%s\n", cmd->details);
        if (cmd->subcommands) {
                printf("\nCommands:\n");
                for (size_t i = 0; cmd->subcommands[i]; i++)
                        printf("  %-14s %s\n", cmd->subcommands[i]->name,
                               cmd->subcommands[i]->summary);
        }
        if (count_options(cmd->options)) {
                printf("\nOptions:\n");
                print_options(cmd->options);
        }
        printf("\nGlobal options: see `tpmctl --help`.\n");
}

const struct command *command_find(const struct command *const *table, const char *name)
{
        for (size_t i = 0; table && table[i]; i++)
                if (strcmp(table[i]->name, name) == 0)
                        return table[i];
        return NULL;
}

bool json_error_printed;

void print_json(struct json_object *obj)
{
        printf("%s\n", json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY |
                                                               JSON_C_TO_STRING_SPACED |
                                                               JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(obj);
}

void print_paths(const struct settings *s, char *const *paths, size_t n)
{
        if (s->json) {
                json_object *a = json_object_new_array();
                for (size_t i = 0; i < n; i++)
                        json_object_array_add(a, json_object_new_string(paths[i]));
                print_json(a);
                return;
        }
        for (size_t i = 0; i < n; i++)
                printf("%s\n", paths[i]);
}
