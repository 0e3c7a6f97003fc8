/* tpmctl completion bash|zsh|fish: a completion script made from the same
 * tables the parser uses (commands[], global_options[], each command's
 * options and args) and the value lists of completion_values.c. */
#include <stdio.h>
#include <string.h>

#include "../src/errors.h"
#include "completion.h"

enum shell { BASH, ZSH, FISH };

/* Text in fish's single quotes. */
static void print_fish_quoted(const char *text)
{
        putchar('\'');
        for (const char *p = text; *p; p++) {
                if (*p == '\'' || *p == '\\')
                        putchar('\\');
                putchar(*p == '\n' ? ' ' : *p);
        }
        putchar('\'');
}

/* One word, and for fish its description after a tab (fish shows it). */
static void print_word(enum shell sh, const char *prefix, const char *word, const char *suffix,
                       const char *description)
{
        char text[256];

        snprintf(text, sizeof(text), "%s%s%s", prefix, word, suffix);
        if (sh != FISH) {
                printf(" %s", text);
                return;
        }
        printf(" \\\n                ");
        print_fish_quoted(text);
        if (description) {
                printf("\\t");
                print_fish_quoted(description);
        }
}

/* One option as the scripts know it: "--alg@key-alg", "-a@key-alg", or
 * "--noda" for a flag. */
static void print_option_words(enum shell sh, const char *command, const struct cli_option *opts)
{
        for (const struct cli_option *o = opts; o && o->name; o++) {
                const char *kind = completion_option_kind(command, o);
                char suffix[64], short_name[3] = {'-', o->short_name, '\0'};

                snprintf(suffix, sizeof(suffix), "%s%s", kind ? "@" : "", kind ? kind : "");
                print_word(sh, "--", o->name, suffix, o->help);
                if (o->short_name)
                        print_word(sh, "", short_name, suffix, o->help);
        }
}

/* The kinds of the positional arguments: "PATH..." -> "path...",
 * "[COMMAND [SUBCOMMAND]]" -> "command subcommand". */
static void print_arg_words(const char *args)
{
        char word[64];
        size_t n = 0;

        for (const char *p = args;; p++) {
                if (*p && !strchr(" []", *p)) {
                        if (n + 1 < sizeof(word))
                                word[n++] = *p;
                        continue;
                }
                if (n) {
                        bool more = n > 3 && strncmp(word + n - 3, "...", 3) == 0;
                        word[more ? n - 3 : n] = '\0';
                        printf(" %s%s", completion_arg_kind(word), more ? "..." : "");
                        n = 0;
                }
                if (!*p)
                        break;
        }
}

static void print_spec(enum shell sh, const char *path, const struct command *const *subs,
                       const struct cli_option *opts, const char *args)
{
        const char *set = sh == FISH ? "set -g " : "";

        if (sh == FISH)
                printf("        case '%s'\n            ", path);
        else
                printf("    \"%s\") ", path);
        printf("%s%s", set, sh == FISH ? "__tpmctl_subs" : "subs=(");
        for (size_t i = 0; subs && subs[i]; i++)
                print_word(sh, "", subs[i]->name, "", subs[i]->summary);
        printf("%s%s%s", sh == FISH ? "\n            " : " ) ", set,
               sh == FISH ? "__tpmctl_opts" : "opts=(");
        print_option_words(sh, path, opts);
        printf("%s%s%s", sh == FISH ? "\n            " : " ) ", set,
               sh == FISH ? "__tpmctl_args" : "args=(");
        if (args)
                print_arg_words(args);
        printf("%s", sh == FISH ? "\n" : " ) ;;\n");
}

static void print_command_specs(enum shell sh, const char *prefix, const struct command *cmd)
{
        char path[128];

        snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? " " : "", cmd->name);
        print_spec(sh, path, cmd->subcommands, cmd->options, cmd->subcommands ? NULL : cmd->args);
        for (size_t i = 0; cmd->subcommands && cmd->subcommands[i]; i++)
                print_command_specs(sh, path, cmd->subcommands[i]);
}

/* The tables as shell functions: _tpmctl_spec CMD sets subs, opts and args;
 * _tpmctl_values LIST sets reply. */
static void print_data(enum shell sh)
{
        const char *values[64];

        if (sh == FISH) {
                printf("set -g __tpmctl_gopts");
                print_option_words(sh, "", global_options);
                printf("\n\nfunction __tpmctl_spec\n"
                       "    set -g __tpmctl_subs\n"
                       "    set -g __tpmctl_opts\n"
                       "    set -g __tpmctl_args\n"
                       "    switch $argv[1]\n");
        } else {
                printf("_tpmctl_gopts=(");
                print_option_words(sh, "", global_options);
                printf(" )\n\n_tpmctl_spec() {\n"
                       "  subs=() opts=() args=()\n"
                       "  case $1 in\n");
        }
        print_spec(sh, "", commands, NULL, NULL);
        for (size_t i = 0; commands[i]; i++)
                print_command_specs(sh, "", commands[i]);
        printf(sh == FISH ? "    end\nend\n\n"
                            "function __tpmctl_values\n"
                            "    switch $argv[1]\n"
                          : "  esac\n}\n\n"
                            "_tpmctl_values() {\n"
                            "  case $1 in\n");
        for (size_t i = 0; completion_list_names[i]; i++) {
                completion_list_values(completion_list_names[i], values,
                                       sizeof(values) / sizeof(values[0]));
                if (sh == FISH)
                        printf("        case %s\n            printf '%%s\\n'",
                               completion_list_names[i]);
                else
                        printf("    %s) reply=(", completion_list_names[i]);
                for (size_t j = 0; values[j]; j++)
                        printf(" %s", values[j]);
                printf(sh == FISH ? "\n" : " ) ;;\n");
        }
        printf(sh == FISH ? "    end\nend\n" : "  esac\n}\n");
}

/* The logic bash and zsh share: plain [[ ]], arrays and shift, which both
 * shells read alike. */
static const char shared_logic[] =
    "\n"
    "# The kind of option $1 (\"\" for a flag) in REPLY; 1 when unknown.\n"
    "_tpmctl_optkind() {\n"
    "  local t\n"
    "  for t in \"${opts[@]}\" \"${_tpmctl_gopts[@]}\"; do\n"
    "    if [[ $t == \"$1\" ]]; then REPLY=; return 0; fi\n"
    "    if [[ $t == \"$1\"@* ]]; then REPLY=${t#*@}; return 0; fi\n"
    "  done\n"
    "  return 1\n"
    "}\n"
    "\n"
    "# Reads the words before the one completed (without tpmctl itself) as the\n"
    "# parser does: global options anywhere, a command and its subcommand, the\n"
    "# command's options. Sets _tpmctl_kind (what the next word is),\n"
    "# _tpmctl_value (it is an option's value), _tpmctl_opts, _tpmctl_subs,\n"
    "# _tpmctl_first (the first positional) and _tpmctl_ks (--keystore and\n"
    "# --fapi-config and --tcti as given, for `tpmctl list`).\n"
    "_tpmctl_parse() {\n"
    "  local w t cmd=\"\" pending=\"\" REPLY i\n"
    "  local -a subs=() opts=() args=() pos=()\n"
    "  _tpmctl_ks=() _tpmctl_dashdash=\"\" _tpmctl_value=\"\" _tpmctl_first=\"\"\n"
    "  _tpmctl_spec \"\"\n"
    "  while (($#)); do\n"
    "    w=$1\n"
    "    shift\n"
    "    if [[ -n $pending && $w == = ]]; then\n"
    "      continue # bash's word break in --option=VALUE\n"
    "    elif [[ -n $pending ]]; then\n"
    "      case $pending in --keystore | --fapi-config | --tcti) _tpmctl_ks+=(\"$pending\" \"$w\") "
    ";; esac\n"
    "      pending=\"\"\n"
    "    elif [[ -z $_tpmctl_dashdash && $w == -?* ]]; then\n"
    "      if [[ $w == -- ]]; then\n"
    "        _tpmctl_dashdash=1\n"
    "      elif [[ $w == --*=* ]]; then\n"
    "        case $w in --keystore=* | --fapi-config=* | --tcti=*) _tpmctl_ks+=(\"$w\") ;; esac\n"
    "      else\n"
    "        [[ $w == --* ]] || w=-${w#\"${w%?}\"}\n"
    "        if _tpmctl_optkind \"$w\" && [[ -n $REPLY ]]; then pending=$w; fi\n"
    "      fi\n"
    "    elif ((${#subs[@]})); then\n"
    "      cmd=${cmd:+$cmd }$w\n"
    "      _tpmctl_spec \"$cmd\"\n"
    "    else\n"
    "      pos+=(\"$w\")\n"
    "    fi\n"
    "  done\n"
    "  _tpmctl_cmd=$cmd _tpmctl_opts=(\"${opts[@]}\" \"${_tpmctl_gopts[@]}\")\n"
    "  _tpmctl_subs=(\"${subs[@]}\")\n"
    "  for t in \"${pos[@]}\"; do _tpmctl_first=$t; break; done\n"
    "  if [[ -n $pending ]]; then\n"
    "    _tpmctl_optkind \"$pending\"\n"
    "    _tpmctl_kind=$REPLY _tpmctl_value=1\n"
    "  elif ((${#subs[@]})); then\n"
    "    _tpmctl_kind=sub\n"
    "  else\n"
    "    _tpmctl_kind=none i=0\n"
    "    for t in \"${args[@]}\"; do\n"
    "      if ((i == ${#pos[@]})) || [[ $t == *... ]]; then\n"
    "        _tpmctl_kind=${t%...}\n"
    "        break\n"
    "      fi\n"
    "      i=$((i + 1))\n"
    "    done\n"
    "  fi\n"
    "}\n"
    "\n"
    "# Keystore paths from `tpmctl list` (`policy list` for policies): names\n"
    "# as commands take them (key, /nv/Owner/ and /policy/ names without their\n"
    "# prefix), or the full paths once the word starts with /.\n"
    "_tpmctl_keystore() {\n"
    "  local line\n"
    "  local -a lines=()\n"
    "  if [[ $_tpmctl_kind == policypath ]]; then\n"
    "    while IFS= read -r line; do lines+=(\"$line\"); done \\\n"
    "      < <(\"$_tpmctl_bin\" \"${_tpmctl_ks[@]}\" policy list 2>/dev/null)\n"
    "  else\n"
    "    while IFS= read -r line; do lines+=(\"$line\"); done \\\n"
    "      < <(\"$_tpmctl_bin\" \"${_tpmctl_ks[@]}\" list 2>/dev/null)\n"
    "  fi\n"
    "  for line in \"${lines[@]}\"; do\n"
    "    if [[ $1 == /* ]]; then\n"
    "      [[ $_tpmctl_kind == nvpath && $line != /nv/* ]] || reply+=(\"$line\")\n"
    "    else\n"
    "      case $_tpmctl_kind:$line in\n"
    "        path:/*/HS/SRK/?*) reply+=(\"${line#/*/HS/SRK/}\") ;;\n"
    "        nvpath:/nv/Owner/?*) reply+=(\"${line#/nv/Owner/}\") ;;\n"
    "        policypath:/policy/?*) reply+=(\"${line#/policy/}\") ;;\n"
    "      esac\n"
    "    fi\n"
    "  done\n"
    "}\n"
    "\n"
    "# The candidates for word $1 in reply, and in _tpmctl_how whether they are\n"
    "# words, words to end without a space (nospace), files or dirs.\n"
    "_tpmctl_candidates() {\n"
    "  local t\n"
    "  local -a subs=() opts=() args=()\n"
    "  reply=() _tpmctl_how=words _tpmctl_what=values _tpmctl_parent=\"\"\n"
    "  if [[ -z $_tpmctl_value && -z $_tpmctl_dashdash && $1 == -* ]]; then\n"
    "    for t in \"${_tpmctl_opts[@]}\"; do reply+=(\"${t%%@*}\"); done\n"
    "    _tpmctl_what=options\n"
    "    return\n"
    "  fi\n"
    "  case $_tpmctl_kind in\n"
    "    none) ;;\n"
    "    sub) reply=(\"${_tpmctl_subs[@]}\") _tpmctl_what=commands _tpmctl_parent=$_tpmctl_cmd ;;\n"
    "    command) _tpmctl_spec \"\" && reply=(\"${subs[@]}\") _tpmctl_what=commands ;;\n"
    "    subcommand)\n"
    "      _tpmctl_spec \"$_tpmctl_first\" && reply=(\"${subs[@]}\") _tpmctl_what=commands\n"
    "      _tpmctl_parent=$_tpmctl_first\n"
    "      ;;\n"
    "    file) _tpmctl_how=files ;;\n"
    "    dir) _tpmctl_how=dirs ;;\n"
    "    pcrs)\n"
    "      _tpmctl_values bank\n"
    "      opts=(\"${reply[@]}\") reply=() _tpmctl_how=nospace\n"
    "      for t in \"${opts[@]}\"; do reply+=(\"$t:\"); done\n"
    "      ;;\n"
    "    path | nvpath | policypath) _tpmctl_keystore \"$1\" ;;\n"
    "    *) _tpmctl_values \"$_tpmctl_kind\" ;;\n"
    "  esac\n"
    "}\n";

static void print_bash(void)
{
        printf("# bash completion for tpmctl; generated by `tpmctl completion bash`.\n"
               "# Install as bash-completion/completions/tpmctl, or source it.\n\n");
        print_data(BASH);
        fputs(shared_logic, stdout);
        printf("\n"
               "_tpmctl() {\n"
               "  local cur=${COMP_WORDS[COMP_CWORD]} prefix=\"\"\n"
               "  local -a reply=() before=(\"${COMP_WORDS[@]:1:COMP_CWORD-1}\")\n"
               "  _tpmctl_bin=${COMP_WORDS[0]}\n"
               "  # --option=VALUE: \"=\" is a word of its own where COMP_WORDBREAKS\n"
               "  # has it (the default), else part of the word.\n"
               "  if [[ $cur == = && ${COMP_WORDS[COMP_CWORD-1]} == --?* ]]; then\n"
               "    cur=\"\"\n"
               "  elif [[ $cur == --?*=* ]]; then\n"
               "    before+=(\"${cur%%%%=*}\") prefix=${cur%%%%=*}= cur=${cur#*=}\n"
               "  fi\n"
               "  _tpmctl_parse \"${before[@]}\"\n"
               "  _tpmctl_candidates \"$cur\"\n"
               "  case $_tpmctl_how in\n"
               "    files)\n"
               "      compopt -o filenames 2>/dev/null\n"
               "      mapfile -t COMPREPLY < <(compgen -f -- \"$cur\")\n"
               "      ;;\n"
               "    dirs)\n"
               "      compopt -o filenames 2>/dev/null\n"
               "      mapfile -t COMPREPLY < <(compgen -d -- \"$cur\")\n"
               "      ;;\n"
               "    *)\n"
               "      [[ $_tpmctl_how == nospace ]] && compopt -o nospace 2>/dev/null\n"
               "      mapfile -t COMPREPLY < <(compgen -W \"${reply[*]}\" -- \"$cur\")\n"
               "      ;;\n"
               "  esac\n"
               "  [[ -z $prefix ]] || COMPREPLY=(\"${COMPREPLY[@]/#/$prefix}\")\n"
               "  return 0\n"
               "}\n"
               "complete -F _tpmctl tpmctl\n");
}

/* Text in single quotes for bash and zsh. */
static void print_sh_quoted(const char *text)
{
        putchar('\'');
        for (const char *p = text; *p; p++) {
                if (*p == '\'')
                        fputs("'\\''", stdout);
                else
                        putchar(*p == '\n' ? ' ' : *p);
        }
        putchar('\'');
}

static void print_zsh_option_descriptions(const char *path, const struct cli_option *opts)
{
        for (const struct cli_option *o = opts; o && o->name; o++) {
                printf("  'o:%s|--%s' ", path, o->name);
                print_sh_quoted(o->help);
                printf("\n");
                if (o->short_name) {
                        printf("  'o:%s|-%c' ", path, o->short_name);
                        print_sh_quoted(o->help);
                        printf("\n");
                }
        }
}

static void print_zsh_descriptions(const char *prefix, const struct command *cmd)
{
        char path[128];

        snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? " " : "", cmd->name);
        printf("  'c:%s' ", path);
        print_sh_quoted(cmd->summary);
        printf("\n");
        print_zsh_option_descriptions(path, cmd->options);
        for (size_t i = 0; cmd->subcommands && cmd->subcommands[i]; i++)
                print_zsh_descriptions(path, cmd->subcommands[i]);
}

static void print_zsh(void)
{
        printf("#compdef tpmctl\n"
               "# zsh completion for tpmctl; generated by `tpmctl completion zsh`.\n"
               "# Install as _tpmctl in a directory of $fpath (e.g.\n"
               "# /usr/share/zsh/vendor-completions), then run compinit.\n\n");
        print_data(ZSH);
        printf("\n# Descriptions: c:COMMAND, o:COMMAND|OPTION (o:|OPTION for the global ones).\n"
               "typeset -gA _tpmctl_desc\n"
               "_tpmctl_desc=(\n");
        print_zsh_option_descriptions("", global_options);
        for (size_t i = 0; commands[i]; i++)
                print_zsh_descriptions("", commands[i]);
        printf(")\n");
        fputs(shared_logic, stdout);
        printf(
            "\n"
            "_tpmctl() {\n"
            "  local cur=${words[CURRENT]}\n"
            "  local -a reply=() before=(\"${(@)words[2,CURRENT-1]}\")\n"
            "  _tpmctl_bin=${words[1]}\n"
            "  if [[ $cur == --?*=* ]]; then # --option=VALUE\n"
            "    before+=(\"${cur%%%%=*}\")\n"
            "    compset -P '*='\n"
            "    cur=${cur#*=}\n"
            "  fi\n"
            "  _tpmctl_parse \"${before[@]}\"\n"
            "  _tpmctl_candidates \"$cur\"\n"
            "  case $_tpmctl_how in\n"
            "    files) _files ;;\n"
            "    dirs) _files -/ ;;\n"
            "    nospace) compadd -S '' -- \"${reply[@]}\" ;;\n"
            "    *)\n"
            "      # Commands with their summaries, options with their help.\n"
            "      local -a display=()\n"
            "      local t d\n"
            "      for t in \"${reply[@]}\"; do\n"
            "        case $_tpmctl_what in\n"
            "          options) d=${_tpmctl_desc[o:$_tpmctl_cmd|$t]:-${_tpmctl_desc[o:|$t]}} ;;\n"
            "          commands) d=${_tpmctl_desc[c:${_tpmctl_parent:+$_tpmctl_parent }$t]} ;;\n"
            "          *) d=\"\" ;;\n"
            "        esac\n"
            "        display+=(\"$t${d:+  -- $d}\")\n"
            "      done\n"
            "      if [[ $_tpmctl_what == values ]]; then\n"
            "        compadd -- \"${reply[@]}\"\n"
            "      else\n"
            "        compadd -l -d display -- \"${reply[@]}\"\n"
            "      fi\n"
            "      ;;\n"
            "  esac\n"
            "}\n"
            "\n"
            "# Autoloaded, this file is _tpmctl's first call; sourced, it only defines.\n"
            "[[ ${funcstack[1]} == _tpmctl ]] && _tpmctl \"$@\"\n");
}

static const char fish_logic[] =
    "\n"
    "# The kind of option $argv[1] (nothing for a flag); status 1 when unknown.\n"
    "function __tpmctl_optkind\n"
    "    for t in (string replace -r -- '\\t.*' '' $__tpmctl_opts $__tpmctl_gopts)\n"
    "        if test \"$t\" = \"$argv[1]\"\n"
    "            return 0\n"
    "        end\n"
    "        if string match -q -- \"$argv[1]@*\" $t\n"
    "            string replace -- \"$argv[1]@\" '' $t\n"
    "            return 0\n"
    "        end\n"
    "    end\n"
    "    return 1\n"
    "end\n"
    "\n"
    "# Keystore paths from `tpmctl list` (`policy list` for policies): names as\n"
    "# commands take them, or the full paths once the word starts with /.\n"
    "function __tpmctl_keystore -a kind cur bin\n"
    "    set -l lines\n"
    "    if test $kind = policypath\n"
    "        set lines ($bin $__tpmctl_ks policy list 2>/dev/null)\n"
    "    else\n"
    "        set lines ($bin $__tpmctl_ks list 2>/dev/null)\n"
    "    end\n"
    "    for l in $lines\n"
    "        if string match -q -- '/*' $cur\n"
    "            if test $kind != nvpath; or string match -q -- '/nv/*' $l\n"
    "                echo $l\n"
    "            end\n"
    "        else\n"
    "            switch $kind\n"
    "                case path\n"
    "                    string replace -rf -- '^/[^/]+/HS/SRK/(.)' '$1' $l\n"
    "                case nvpath\n"
    "                    string replace -rf -- '^/nv/Owner/(.)' '$1' $l\n"
    "                case policypath\n"
    "                    string replace -rf -- '^/policy/(.)' '$1' $l\n"
    "            end\n"
    "        end\n"
    "    end\n"
    "end\n"
    "\n"
    "# The candidates for word cur of command bin, read as the parser reads the\n"
    "# words before it (the rest of argv): global options anywhere, a command and its subcommand,\n"
    "# the command's options and their values, then positionals.\n"
    "function __tpmctl_candidates -a bin cur\n"
    "    set -l toks $argv[3..-1]\n"
    "    set -g __tpmctl_ks\n"
    "    set -l cmd ''\n"
    "    set -l pending ''\n"
    "    set -l dd ''\n"
    "    set -l pos\n"
    "    __tpmctl_spec ''\n"
    "    for w in $toks\n"
    "        if test -n \"$pending\"\n"
    "            if contains -- $pending --keystore --fapi-config --tcti\n"
    "                set -a __tpmctl_ks $pending $w\n"
    "            end\n"
    "            set pending ''\n"
    "        else if test -z \"$dd\"; and string match -q -- '-?*' $w\n"
    "            if test \"$w\" = --\n"
    "                set dd 1\n"
    "            else if string match -q -- '--*=*' $w\n"
    "                if string match -q -r -- '^--(keystore|fapi-config|tcti)=' $w\n"
    "                    set -a __tpmctl_ks $w\n"
    "                end\n"
    "            else\n"
    "                set -l o $w\n"
    "                if not string match -q -- '--*' $w\n"
    "                    set o -(string sub -s -1 -- $w)\n"
    "                end\n"
    "                set -l k (__tpmctl_optkind $o)\n"
    "                if test -n \"$k\"\n"
    "                    set pending $o\n"
    "                end\n"
    "            end\n"
    "        else if set -q __tpmctl_subs[1]\n"
    "            set cmd (string trim -- \"$cmd $w\")\n"
    "            __tpmctl_spec $cmd\n"
    "        else\n"
    "            set -a pos $w\n"
    "        end\n"
    "    end\n"
    "    set -l kind none\n"
    "    if test -n \"$pending\"\n"
    "        set kind (__tpmctl_optkind $pending)\n"
    "    else if test -z \"$dd\"; and string match -q -- '-*' $cur\n"
    "        string replace -r -- '@[^\\t]*' '' $__tpmctl_opts $__tpmctl_gopts\n"
    "        return\n"
    "    else if set -q __tpmctl_subs[1]\n"
    "        printf '%s\\n' $__tpmctl_subs\n"
    "        return\n"
    "    else\n"
    "        set -l i 0\n"
    "        for t in $__tpmctl_args\n"
    "            if test $i -eq (count $pos); or string match -q -- '*...' $t\n"
    "                set kind (string replace -- '...' '' $t)\n"
    "                break\n"
    "            end\n"
    "            set i (math $i + 1)\n"
    "        end\n"
    "    end\n"
    "    switch $kind\n"
    "        case none\n"
    "        case file\n"
    "            __fish_complete_path $cur\n"
    "        case dir\n"
    "            __fish_complete_directories $cur\n"
    "        case command\n"
    "            __tpmctl_spec ''\n"
    "            printf '%s\\n' $__tpmctl_subs\n"
    "        case subcommand\n"
    "            __tpmctl_spec $pos[1]\n"
    "            printf '%s\\n' $__tpmctl_subs\n"
    "        case pcrs\n"
    "            printf '%s:\\n' (__tpmctl_values bank)\n"
    "        case path nvpath policypath\n"
    "            __tpmctl_keystore $kind $cur $bin\n"
    "        case '*'\n"
    "            __tpmctl_values $kind\n"
    "    end\n"
    "end\n"
    "\n"
    "# The candidates for the word at the cursor; for --option=VALUE, those for\n"
    "# VALUE after --option=.\n"
    "function __tpmctl_complete\n"
    "    set -l toks (commandline -opc)\n"
    "    set -l cur (commandline -ct)\n"
    "    set -l prefix ''\n"
    "    if string match -q -r -- '^--[^=]+=' $cur\n"
    "        set prefix (string replace -r -- '=.*' '=' $cur)\n"
    "        set -a toks (string replace -r -- '=.*' '' $cur)\n"
    "        set cur (string replace -r -- '^[^=]*=' '' $cur)\n"
    "    end\n"
    "    for c in (__tpmctl_candidates $toks[1] \"$cur\" $toks[2..-1])\n"
    "        echo \"$prefix$c\"\n"
    "    end\n"
    "end\n"
    "\n"
    "complete -c tpmctl -e\n"
    "complete -c tpmctl -f -a '(__tpmctl_complete)'\n";

static void print_fish(void)
{
        printf("# fish completion for tpmctl; generated by `tpmctl completion fish`.\n"
               "# Install as fish/vendor_completions.d/tpmctl.fish, or source it.\n\n");
        print_data(FISH);
        fputs(fish_logic, stdout);
}

static int run(const struct settings *s, int argc, char **argv)
{
        (void)s;
        if (argc == 0 || strcmp(argv[0], "bash") == 0)
                print_bash();
        else if (strcmp(argv[0], "zsh") == 0)
                print_zsh();
        else if (strcmp(argv[0], "fish") == 0)
                print_fish();
        else
                return error_set(EXIT_USAGE, "completion %s: give bash, zsh or fish", argv[0]);
        return 0;
}

const struct command cmd_completion = {
    .name = "completion",
    .args = "[SHELL]",
    .max_args = 1,
    .run = run,
    .summary = "print a completion script for bash (the default), zsh or fish",
    .details = "Install the output as bash-completion/completions/tpmctl,\n"
               "zsh/vendor-completions/_tpmctl or fish/vendor_completions.d/tpmctl.fish\n"
               "under the data directory (meson install does), or source it.",
};
