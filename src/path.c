/* FAPI object paths as users type them. */
#include "path.h"

#include <stdio.h>
#include <string.h>

#include "errors.h"

/* Characters a path component may hold: what FAPI can store as a directory
 * name without quoting, and nothing a shell or JSON would mangle. */
static int component_char_ok(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '-' || c == '.' || c == '+' || c == '@' || c == '=';
}

static int check_components(const char *path)
{
        const char *p = path;

        while (*p) {
                const char *start;

                while (*p == '/')
                        p++;
                start = p;
                while (*p && *p != '/') {
                        if (!component_char_ok(*p))
                                return error_set(EXIT_BAD_INPUT,
                                                 "path %s: character '%c' is not allowed (use "
                                                 "letters, digits and . _ - + @ =)",
                                                 path, *p);
                        p++;
                }
                if ((p - start == 1 && start[0] == '.') ||
                    (p - start == 2 && start[0] == '.' && start[1] == '.'))
                        return error_set(EXIT_BAD_INPUT, "path %s: '.' and '..' are not allowed",
                                         path);
        }
        return 0;
}

int path_normalize(const char *user_path, char *out, size_t out_size)
{
        int n;

        if (!user_path || !*user_path)
                return error_set(EXIT_BAD_INPUT, "empty path");
        if (user_path[0] == '/')
                n = snprintf(out, out_size, "%s", user_path);
        else if (strchr(user_path, '/')) /* "HS/SRK/k" */
                n = snprintf(out, out_size, "/%s", user_path);
        else
                n = snprintf(out, out_size, "/HS/SRK/%s", user_path);
        if (n < 0 || (size_t)n >= out_size)
                return error_set(EXIT_BAD_INPUT, "path %s is too long (at most %zu characters)",
                                 user_path, out_size - 9);
        return check_components(out);
}

/* Whether the n bytes at p are the component c. */
static int component_is(const char *p, size_t n, const char *c)
{
        return strlen(c) == n && strncmp(p, c, n) == 0;
}

int path_normalize_new(const char *user_path, char *out, size_t out_size)
{
        const char *p, *end;
        size_t n;
        int r;

        if ((r = path_normalize(user_path, out, out_size)))
                return r;
        /* The first component, after a profile (/P_RSA2048SHA256/HS/...). */
        p = out + strspn(out, "/");
        if (strncmp(p, "P_", 2) == 0 && (end = strchr(p, '/')))
                p = end + strspn(end, "/");
        n = strcspn(p, "/");
        if (n == 0)
                return error_set(EXIT_BAD_INPUT,
                                 "path %s names no object (give NAME or /HS/SRK/NAME)", user_path);
        if (!component_is(p, n, "HS") && !component_is(p, n, "HE") && !component_is(p, n, "HN"))
                return error_set(EXIT_BAD_INPUT,
                                 "path %s: keys and sealed objects live under a hierarchy, "
                                 "/HS/SRK/NAME for most (a bare NAME means that)",
                                 user_path);
        p += n;
        p += strspn(p, "/");
        if (!*p)
                return error_set(EXIT_BAD_INPUT,
                                 "path %s names a hierarchy, not an object under it", user_path);
        return 0;
}

int policy_path_normalize(const char *user_path, char *out, size_t out_size)
{
        int n;

        if (!user_path || !*user_path)
                return error_set(EXIT_BAD_INPUT, "empty policy path");
        if (strchr(user_path, '/'))
                n = snprintf(out, out_size, "%s%s", user_path[0] == '/' ? "" : "/", user_path);
        else
                n = snprintf(out, out_size, "/policy/%s", user_path);
        if (n < 0 || (size_t)n >= out_size)
                return error_set(EXIT_BAD_INPUT, "policy path %s is too long", user_path);
        if (strncmp(out, "/policy/", 8) != 0 || out[8] == '\0')
                return error_set(EXIT_BAD_INPUT, "policy path %s: policies live under /policy/",
                                 user_path);
        return check_components(out);
}
